#!/usr/bin/env node
// Runs @vladmandic/human's body segmentation (MediaPipe selfie or meet, TensorFlow.js WASM backend) over a list
// of images in one Node process, with the model loaded once, and prints one JSON document on stdout: per image
// the time human.segmentation took and the person mask as COCO RLE.
//
// usage: node segment.js --model <dir>/selfie.json|<dir>/meet.json [options] <image.png|...>...
//        node segment.js --model <dir>/selfie.json [options] --list <images.jsonl>
// options: --threshold X      alpha (0-1) from which a pixel is a person (default 0.5)
//          --backend wasm|cpu (default wasm)
//          --warmup N         unmeasured runs of the first image before any measurement (default 1)
//          --repeat N         measured runs per image; the reported ms is their median (default 1)
//          --no-mask          leave the RLE out (timings and pixel counts only)
//          --workers N        N Node processes, one per core, each with its own human and a share of the images
//                             (image i goes to worker i mod N); see "Workers" below (default 1: this process alone)
// --list:  one JSON object a line, {"id", "file", "width", "height", "source"?}, <file> holding width*height*3
//          bytes of RGB, row by row (as detect.js and faces.js take them). PNG files are decoded here; JPEG only
//          when jpeg-js can be required (it is not a dependency of this folder): otherwise pass raw RGB.
// Timing: wall time of `await human.segmentation(tensor)` plus reading its alpha back (`await alpha.data()`),
// on an int32 [h, w, 3] tensor made beforehand. Inside: resize to the model input (bilinear, stretched),
// /255, inference, resize of the output back to the image size, *255. human picks the model's code by the file
// name (selfie, meet). Its meet post-processing applies the softmax across image rows rather than across the
// two channels (see ../../../shared/notes/reference-libraries.md): that is what human does, and it is kept.
// Workers: each worker loads human, warms up and makes the tensors of its images; once every worker is ready,
// they all start together and "wallMs" is the time from that start to the last worker's end, per round (--repeat
// rounds; the document's wallMs is the best). That is human using N cores the way a Node service would, one
// process per core (its WASM build runs one thread). Per-image ms are each worker's own timings.
// Output: {library, versions: {human, tfjs, node}, backend, simd, multithread, model, loadMs, warmup, repeat,
// threshold, images: [{id, file, width, height, decodeMs, ms, times, cpuMs, cpuTimes, faces: {personPixels,
// personFraction, rle: {size: [h, w], counts}}}], failed, leakedTensors} (per-image results are under "faces"
// because the shared timing loop names them so; RLE counts are COCO's: column-major, starting with zeros).
'use strict';
const fs = require('fs');
const path = require('path');
const { fork } = require('child_process');
const { parseOptions, imageItems, loadImage, analyseImages, wasmSupport, writeJson, runMain, errorMessage } = require('../common/reference-io.js');
const { loadHuman } = require('./load-human.js');

// human logs with console.log; keep stdout for the JSON document only.
console.log = (...args) => console.error(...args);

function parseArgs(argv) {
  const args = parseOptions(argv, { threshold: '0.5', backend: 'wasm', warmup: '1', repeat: '1', workers: '1', 'no-mask': false }, ['no-mask']);
  if (!args.model) throw new Error('--model <dir>/selfie.json or <dir>/meet.json is required');
  if (!/selfie|meet/i.test(path.basename(args.model))) throw new Error(`model '${args.model}': human runs only selfie*.json or meet*.json here (it picks the code by the file name)`);
  if (!['wasm', 'cpu'].includes(args.backend)) throw new Error(`--backend must be wasm or cpu, not '${args.backend}'`);
  if (args.files.length === 0 && !args.list) throw new Error('no images: give image files or --list <images.jsonl>');
  if (!(Number.isInteger(Number(args.workers)) && Number(args.workers) >= 1)) throw new Error(`--workers must be a whole number from 1, not '${args.workers}'`);
  return args;
}

// COCO RLE of alpha >= cut (alpha row-major h x w): runs down each column, columns left to right, zeros first.
function rle(alpha, width, height, cut) {
  const counts = [];
  let current = 0, run = 0, pixels = 0;
  for (let x = 0; x < width; x++)
    for (let y = 0; y < height; y++) {
      const v = alpha[y * width + x] >= cut ? 1 : 0;
      pixels += v;
      if (v !== current) { counts.push(run); run = 0; current = v; }
      run++;
    }
  counts.push(run);
  return { counts, pixels };
}

// human with only segmentation loaded, the call that is timed (segmentation and the alpha read back, int32
// [h, w, 1], 0-255) and the description of its result.
async function openSegmenter(args) {
  const modelPath = path.resolve(args.model);
  if (!fs.existsSync(modelPath)) throw new Error(`model '${modelPath}' does not exist`);
  const { human, tf, version, loadMs } = await loadHuman({
    backend: args.backend,
    modelBasePath: path.dirname(modelPath),
    face: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: true, modelPath, mode: 'alpha' },
  });
  const { simd, multithread } = await wasmSupport(tf, args.backend);
  const cut = Number(args.threshold) * 255;
  const analyse = async (tensor) => {
    const alpha = await human.segmentation(tensor);
    if (!alpha) throw new Error('human.segmentation returned nothing (model not loaded?)');
    const data = await alpha.data();
    const [height, width] = alpha.shape;
    tf.dispose(alpha);
    return { data, width, height };
  };
  const describe = (r) => {
    const { counts, pixels } = rle(r.data, r.width, r.height, cut);
    const result = { personPixels: pixels, personFraction: pixels / (r.width * r.height) };
    if (!args['no-mask']) result.rle = { size: [r.height, r.width], counts };
    return result;
  };
  const header = {
    library: 'human', versions: { human: version, tfjs: tf.version_core, node: process.version }, backend: tf.getBackend(), simd, multithread,
    model: modelPath, loadMs, warmup: Number(args.warmup), repeat: Number(args.repeat), threshold: Number(args.threshold),
  };
  return { tf, analyse, describe, header };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.worker !== undefined) return worker(args);
  if (Number(args.workers) > 1) return parent(args);
  const items = imageItems(args);
  const { tf, analyse, describe, header } = await openSegmenter(args);
  const run = await analyseImages(tf, items, {
    analyse, describe, warmup: Number(args.warmup), repeat: Math.max(1, Number(args.repeat)), backend: args.backend,
    largeWarning: 'input over 2^24 values on wasm', name: 'segment.js',
  });
  await writeJson({ ...header, ...run });
}

// One worker: its share of the images as tensors, then on each "go" one timed pass over them.
async function worker(args) {
  const index = Number(args.worker);
  const count = Number(args.workers);
  const items = imageItems(args).filter((_, i) => i % count === index);
  const { tf, analyse, describe, header } = await openSegmenter(args);
  const inputs = items.map((item) => {
    try {
      return { item, ...loadImage(tf, item) };
    } catch (e) {
      return { item, error: errorMessage(e) };
    }
  });
  const first = inputs.find((i) => !i.error);
  for (let i = 0; first && i < Number(args.warmup); i++) await analyse(first.tensor);
  // The worker lives until the parent says stop (or goes away).
  let stopped;
  const stop = new Promise((resolve) => { stopped = resolve; });
  process.on('disconnect', () => stopped());
  process.send({ ready: true, header });
  process.on('message', async (message) => {
    if (message.stop) {
      inputs.forEach((i) => i.tensor && tf.dispose(i.tensor));
      stopped();
      return;
    }
    const images = [];
    for (const input of inputs) {
      if (input.error) { images.push({ id: input.item.id, file: input.item.source, error: input.error }); continue; }
      try {
        const start = performance.now();
        const result = await analyse(input.tensor);
        const ms = performance.now() - start;
        images.push({ id: input.item.id, file: input.item.source, width: input.width, height: input.height, ms, faces: message.describe ? describe(result) : undefined });
      } catch (e) {
        images.push({ id: input.item.id, file: input.item.source, error: errorMessage(e) });
      }
    }
    process.send({ done: true, images });
  });
  await stop;
}

// Starts the workers, waits until all are ready, then runs --repeat timed rounds with all of them at once.
async function parent(args) {
  const count = Number(args.workers);
  const argv = process.argv.slice(2);
  const children = Array.from({ length: count }, (_, i) => fork(__filename, [...argv, '--worker', String(i)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const failed = new Promise((_, reject) => children.forEach((c, i) => c.on('exit', (code) => { if (code !== 0) reject(new Error(`worker ${i} exited with code ${code}`)); })));
  const next = (child, key) => new Promise((resolve) => { const on = (m) => { if (m[key]) { child.off('message', on); resolve(m); } }; child.on('message', on); });
  try {
    const ready = await Promise.race([Promise.all(children.map((c) => next(c, 'ready'))), failed]);
    const rounds = Math.max(1, Number(args.repeat));
    const walls = [];
    let results = null;
    for (let r = 0; r < rounds; r++) {
      const done = children.map((c) => next(c, 'done'));
      const start = performance.now();
      children.forEach((c) => c.send({ go: true, describe: r === rounds - 1 }));
      results = await Promise.race([Promise.all(done), failed]);
      walls.push(performance.now() - start);
      process.stderr.write(`segment.js: round ${r + 1}/${rounds}, ${count} workers, ${walls[r].toFixed(0)} ms\n`);
    }
    const images = results.flatMap((m) => m.images).sort((a, b) => a.id - b.id);
    await writeJson({ ...ready[0].header, workers: count, wallMs: Math.min(...walls), wallTimes: walls, images, failed: images.filter((i) => i.error).length });
  } finally {
    children.forEach((c) => { if (c.connected) c.send({ stop: true }); });
  }
}

runMain('segment.js', main);
