#!/usr/bin/env node
// Runs a TensorFlow.js graph model from local files on one float32 input and writes every output,
// so the ONNX conversion can be compared with TensorFlow.js itself, on identical input values.
//
// usage: node run.js --model <model.json> --input <file.f32> --shape 1,256,256,3 --out <dir>
//                    [--backend wasm|cpu] [--runs N] [--warmup N] [--faceapi <net> --size <px>]
// --faceapi runs a @vladmandic/face-api network (faceapi.nets[<net>]) from its weight manifest instead,
// through the library's own forwardInput at the given input size.
// writes: <out>/outputs.json  { backend, outputs: [{ name, shape, file }], latenciesMs: [...] }
//         <out>/<i>.f32       float32 little-endian values of output i
'use strict';
const fs = require('fs');
const path = require('path');

function parseArgs(argv) {
  const args = { backend: 'wasm', runs: 1, warmup: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key.startsWith('--') || value === undefined) throw new Error(`bad argument '${key}'`);
    args[key.slice(2)] = value;
  }
  for (const required of ['model', 'input', 'shape', 'out'])
    if (!args[required]) throw new Error(`--${required} is required`);
  args.shape = args.shape.split(',').map(Number);
  args.runs = Number(args.runs);
  args.warmup = Number(args.warmup);
  return args;
}

// nsfwjs ships model.json and shards as JavaScript modules (an object literal; a base64 string): load them as modules.
function readMaybeWrapped(file, binary) {
  if (!file.endsWith('.js')) {
    const raw = fs.readFileSync(file);
    // A byte-order mark is dropped, as fetch().json() does in a browser.
    return binary ? raw : JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, ''));
  }
  const exported = require(path.resolve(file));
  if (!binary) return exported;
  if (typeof exported !== 'string') throw new Error(`${file}: expected a base64 string export`);
  return Buffer.from(exported, 'base64');
}

function loadArtifacts(modelPath) {
  const json = readMaybeWrapped(modelPath, false);
  const dir = path.dirname(modelPath);
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const local = path.join(dir, p);
      const file = fs.existsSync(local) ? local : path.join(dir, path.basename(p) + '.min.js');
      buffers.push(readMaybeWrapped(file, true));
    }
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    weightSpecs: specs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-cpu');
  if (args.backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
  }
  if (!(await tf.setBackend(args.backend))) throw new Error(`backend ${args.backend} did not start`);
  await tf.ready();
  const input = readInput(args, tf);
  const { run, names } = args.faceapi ? await faceApiNetwork(args, tf, input) : await tfjsModel(args, tf, input);
  await timeAndWrite(args, tf, run, names);
}

async function tfjsModel(args, tf, input) {
  const artifacts = loadArtifacts(args.model);
  // Old layers models (nsfwjs) carry no format field; their topology is a Keras model config.
  const topology = artifacts.modelTopology || {};
  const isLayers = artifacts.format === 'layers-model' || !!(topology.model_config || topology.class_name);
  const model = isLayers
    ? await require('@tensorflow/tfjs-layers').loadLayersModel(tf.io.fromMemory(artifacts))
    : await require('@tensorflow/tfjs-converter').loadGraphModel(tf.io.fromMemory(artifacts));
  const outputNodes = isLayers ? model.outputNames : model.outputNodes;
  const run = () => {
    const result = isLayers ? model.predict(input) : model.execute(input, outputNodes);
    return Array.isArray(result) ? result : [result];
  };
  // Graph outputs are reported by tensor name (signature keys can differ from it).
  return { run, names: outputNodes.map((n, i) => isLayers ? n : model.outputs[i].name) };
}

async function faceApiNetwork(args, tf, input) {
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const net = faceapi.nets[args.faceapi];
  if (!net) throw new Error(`face-api has no network '${args.faceapi}'`);
  await net.loadFromDisk(path.dirname(path.resolve(args.model)));
  // face-api takes a batch as a list of images.
  const netInput = await faceapi.toNetInput(input.shape[0] > 1 ? tf.unstack(input) : input);
  const size = Number(args.size);
  // Networks return one tensor or named tensors ({ age, gender }); per-item lists ({ boxes: [...] }) give
  // their first item, as the input is one image. Report them by those names.
  const probe = net.forwardInput(netInput, size);
  const names = probe instanceof tf.Tensor ? ['output'] : Object.keys(probe);
  tf.dispose(probe instanceof tf.Tensor ? probe : Object.values(probe).flat());
  const run = () => {
    const result = net.forwardInput(netInput, size);
    if (result instanceof tf.Tensor) return [result];
    const picked = names.map(n => (Array.isArray(result[n]) ? result[n][0] : result[n]));
    tf.dispose(Object.values(result).flat().filter(t => !picked.includes(t)));
    return picked;
  };
  return { run, names };
}

function readInput(args, tf) {
  const bytes = fs.readFileSync(args.input);
  const count = args.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * 4) throw new Error(`${args.input} has ${bytes.length} bytes, shape ${args.shape} needs ${count * 4}`);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return tf.tensor(values, args.shape, 'float32');
}

async function timeAndWrite(args, tf, run, names) {
  for (let i = 0; i < args.warmup; i++) {
    const outs = run();
    await Promise.all(outs.map(o => o.data()));
    tf.dispose(outs);
  }
  const latencies = [];
  let outputs = [];
  for (let i = 0; i < Math.max(1, args.runs); i++) {
    tf.dispose(outputs);
    const start = process.hrtime.bigint();
    outputs = run();
    await Promise.all(outputs.map(o => o.data()));
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }

  fs.mkdirSync(args.out, { recursive: true });
  const described = [];
  for (let i = 0; i < outputs.length; i++) {
    const data = Float32Array.from(await outputs[i].data());
    const file = `${i}.f32`;
    fs.writeFileSync(path.join(args.out, file), Buffer.from(data.buffer));
    described.push({ name: String(names[i]).replace(/:0$/, ''), shape: outputs[i].shape, file });
  }
  fs.writeFileSync(path.join(args.out, 'outputs.json'),
    JSON.stringify({ backend: tf.getBackend(), outputs: described, latenciesMs: latencies }, null, 1));
}

main().catch(e => {
  process.stderr.write(`reference: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
