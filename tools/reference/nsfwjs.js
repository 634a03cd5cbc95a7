#!/usr/bin/env node
// Runs nsfwjs 4.4.0 (its bundled MobileNetV2 model, TensorFlow.js 4.22.0, WASM backend by default) over a list of
// images in one Node process, the model loaded once, and prints one JSON document on stdout: per image the five class
// probabilities that nsfwjs's own classify() gives, and the time it took.
//
// usage: node nsfwjs.js [options] <image.png|image.jpg|...>...
//        node nsfwjs.js [options] --list <images.jsonl>
// options: --backend wasm|cpu    (default wasm: SIMD, one thread in Node)
//          --warmup N            unmeasured classifications of the first image before any measurement (default 1)
//          --repeat N            measured classifications per image; ms is their median (default 3)
// --list:  one JSON object a line, {"id", "file", "width", "height", "source"?}, <file> holding width*height*3 bytes of
//          RGB (the format of faces.js and tools/human-reference/detect.js). An image already 224x224 goes into the model
//          as it is (nsfwjs resizes only other sizes, with tf.image.resizeBilinear and alignCorners), so a list of
//          224x224 images compares the model alone; full-size images compare the whole path.
// Image files: PNG is decoded here; JPEG only when jpeg-js can be required (not a dependency): else use --list.
// Timing: wall time of the awaited model.classify(tensor, 5) alone (nsfwjs's infer: /255, resize, predict; top-k; data),
// on an int32 [h, w, 3] tensor made beforehand; decodeMs is reading + decoding the file + making that tensor.
'use strict';
const path = require('path');
const { packageDir, parseOptions, checkBackendAndImages, imageItems, analyseImages, wasmSupport, writeJson, runMain } = require('../common/reference-io.js');

// Keep stdout for the JSON document only (nsfwjs logs which model it uses).
console.log = (...args) => console.error(...args);
console.info = (...args) => console.error(...args);

const pkgdir = (name) => packageDir(__dirname, name);

async function main() {
  const args = checkBackendAndImages(parseOptions(process.argv.slice(2), { backend: 'wasm', warmup: '1', repeat: '3' }));
  const items = imageItems(args);
  const tf = require(pkgdir('@tensorflow/tfjs'));
  const wasm = require(pkgdir('@tensorflow/tfjs-backend-wasm'));
  if (args.backend === 'wasm') wasm.setWasmPaths(path.join(pkgdir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep);
  if (!(await tf.setBackend(args.backend))) throw new Error(`backend ${args.backend} did not start`);
  await tf.ready();

  const nsfwjsDir = pkgdir('nsfwjs');
  const nsfwjs = require(nsfwjsDir);
  const { NSFW_CLASSES } = require(path.join(nsfwjsDir, 'dist', 'cjs', 'nsfw_classes.js'));
  const classes = Object.keys(NSFW_CLASSES).sort((a, b) => a - b).map((k) => NSFW_CLASSES[k]);
  const loadStart = performance.now();
  const model = await nsfwjs.load('MobileNetV2');
  const loadMs = performance.now() - loadStart;

  // classify() answers the classes best first; the scores are reported in the model's class order, lower case.
  const describe = (predictions) => Object.fromEntries(classes.map((c) => [c.toLowerCase(), predictions.find((p) => p.className === c).probability]));
  const result = await analyseImages(tf, items, {
    analyse: (tensor) => model.classify(tensor, classes.length),
    describe,
    warmup: Number(args.warmup),
    repeat: Number(args.repeat),
    backend: args.backend,
    largeWarning: 'input over 2^24 values on wasm',
    name: 'nsfwjs',
    requireFromScript: require,
    field: 'scores',
  });
  const { simd, multithread } = await wasmSupport(tf, args.backend);
  await writeJson({
    library: 'nsfwjs',
    versions: { nsfwjs: require(path.join(nsfwjsDir, 'package.json')).version, tfjs: tf.version.tfjs, node: process.version },
    backend: args.backend, simd, multithread, model: 'MobileNetV2', classes: classes.map((c) => c.toLowerCase()), size: 224,
    loadMs, warmup: Number(args.warmup), repeat: Number(args.repeat), ...result,
  });
}

runMain('nsfwjs', main);
