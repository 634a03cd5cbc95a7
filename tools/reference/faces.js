#!/usr/bin/env node
// Runs @vladmandic/face-api's full face analysis (TensorFlow.js 4.22.0, WASM backend by default) over a list of
// images in one Node process, with the models loaded once, and prints one JSON document on stdout:
// per image the faces (box, score, 68 landmarks, 128-d descriptor, 7 expressions, age, gender) and the time
// the analysis took.
//
// usage: node faces.js [options] <image.png|image.jpg|...>...
//        node faces.js [options] --list <images.jsonl>
// options: --detector ssd|tiny   SSD MobileNet v1 (default) or TinyFaceDetector
//          --min-confidence X    detector score threshold (default 0.5, face-api's default for both detectors)
//          --input-size N        TinyFaceDetector input size (default 416; a multiple of 32)
//          --models <dir>        face-api weight manifests (default: the package's model/ folder)
//          --backend wasm|cpu    (default wasm; see the README about large inputs on wasm)
//          --warmup N            unmeasured analyses of the first image before any measurement (default 1)
//          --repeat N            measured analyses per image; the reported ms is their median (default 3)
//                                (cpuMs: the same for the process's CPU time, steadier on a busy machine)
//          --barrier             after the warm-up, say "barrier: ready" on stderr and wait for a line on stdin
//                                (copies on shares of the images, one per core, then measure together; the
//                                document's wallMs and cpuMs cover the images from there on)
// --list:  one JSON object a line, {"id", "file", "width", "height", "source"?}, where <file> holds
//          width*height*3 bytes, RGB, row by row (no header) as detect.js in tools/human-reference takes them;
//          "source" (optional) is the name reported for the image.
// Image files: PNG is decoded here (zlib, no dependency: tools/common/reference-io.js, which this script needs
// beside its folder); JPEG only when the jpeg-js package can be required (it is not a dependency of this folder):
// otherwise decode elsewhere and pass raw RGB with --list.
// Timing: wall time of the awaited face-api chain
//   detectAllFaces(tensor, options).withFaceLandmarks().withFaceDescriptors().withFaceExpressions().withAgeAndGender()
// alone, on an int32 [h, w, 3] tensor made beforehand; decodeMs is reading + decoding the file + making that tensor.
'use strict';
const fs = require('fs');
const path = require('path');
const { packageDir, parseOptions, imageItems, analyseImages, wasmSupport, writeJson, runMain } = require('../common/reference-io.js');

// Keep stdout for the JSON document only.
console.log = (...args) => console.error(...args);

function parseArgs(argv) {
  const args = parseOptions(argv, { detector: 'ssd', 'min-confidence': '0.5', 'input-size': '416', backend: 'wasm', warmup: '1', repeat: '3', barrier: false }, ['barrier']);
  if (!['ssd', 'tiny'].includes(args.detector)) throw new Error(`--detector must be ssd or tiny, not '${args.detector}'`);
  if (!['wasm', 'cpu'].includes(args.backend)) throw new Error(`--backend must be wasm or cpu, not '${args.backend}'`);
  if (args.files.length === 0 && !args.list) throw new Error('no images: give image files or --list <images.jsonl>');
  return args;
}

// The packages npm ci installed beside this script.
const pkgdir = (name) => packageDir(__dirname, name);

// ---- face-api ----

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const items = imageItems(args);
  const faceApiDir = pkgdir('@vladmandic/face-api');
  const modelDir = path.resolve(args.models || path.join(faceApiDir, 'model'));

  const faceapi = require(path.join(faceApiDir, 'dist', 'face-api.node-wasm.js'));
  const tf = faceapi.tf;
  if (args.backend === 'wasm') tf.setWasmPaths(path.join(pkgdir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep);
  if (!(await tf.setBackend(args.backend))) throw new Error(`backend ${args.backend} did not start`);
  await tf.ready();

  const loadStart = performance.now();
  const detectorNet = args.detector === 'tiny' ? faceapi.nets.tinyFaceDetector : faceapi.nets.ssdMobilenetv1;
  for (const net of [detectorNet, faceapi.nets.faceLandmark68Net, faceapi.nets.faceRecognitionNet, faceapi.nets.faceExpressionNet, faceapi.nets.ageGenderNet])
    await net.loadFromDisk(modelDir);
  const loadMs = performance.now() - loadStart;

  const minConfidence = Number(args['min-confidence']);
  const options = args.detector === 'tiny'
    ? new faceapi.TinyFaceDetectorOptions({ inputSize: Number(args['input-size']), scoreThreshold: minConfidence })
    : new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 100 });
  const analyse = (tensor) => faceapi.detectAllFaces(tensor, options)
    .withFaceLandmarks().withFaceDescriptors().withFaceExpressions().withAgeAndGender();

  const warmup = Math.max(0, Number(args.warmup));
  const repeat = Math.max(1, Number(args.repeat));
  const run = await analyseImages(tf, items, {
    analyse,
    describe: (results) => results.map((f) => ({
      box: { x: f.detection.box.x, y: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height },
      score: f.detection.score,
      landmarks: f.landmarks.positions.map((p) => [p.x, p.y]),
      descriptor: Array.from(f.descriptor),
      expressions: { ...f.expressions },
      expression: Object.entries(f.expressions).sort((a, b) => b[1] - a[1])[0][0],
      age: f.age,
      gender: f.gender,
      genderProbability: f.genderProbability,
    })),
    warmup, repeat, backend: args.backend, name: 'faces.js', requireFromScript: require, withBarrier: args.barrier,
    largeWarning: 'input over 2^24 values: the wasm backend\'s cropAndResize is wrong past that size (use --backend cpu or downscale)',
  });

  const { simd, multithread } = await wasmSupport(tf, args.backend);
  const faceApiVersion = JSON.parse(fs.readFileSync(path.join(faceApiDir, 'package.json'), 'utf8')).version;
  const doc = {
    library: 'face-api',
    versions: { faceApi: faceApiVersion, tfjs: tf.version_core, node: process.version },
    backend: tf.getBackend(), simd, multithread,
    detector: args.detector === 'tiny' ? 'tinyFaceDetector' : 'ssdMobilenetv1',
    minConfidence, inputSize: args.detector === 'tiny' ? Number(args['input-size']) : null,
    models: modelDir, loadMs, warmup, repeat,
    expressionLabels: ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'],
    images: run.images, failed: run.failed, leakedTensors: run.leakedTensors, wallMs: run.wallMs, cpuMs: run.cpuMs,
  };
  await writeJson(doc); // flushed before runMain exits
}

runMain('faces.js', main);
