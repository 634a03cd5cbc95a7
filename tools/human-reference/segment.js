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
// --list:  one JSON object a line, {"id", "file", "width", "height", "source"?}, <file> holding width*height*3
//          bytes of RGB, row by row (as detect.js and faces.js take them). PNG files are decoded here; JPEG only
//          when jpeg-js can be required (it is not a dependency of this folder): otherwise pass raw RGB.
// Timing: wall time of `await human.segmentation(tensor)` plus reading its alpha back (`await alpha.data()`),
// on an int32 [h, w, 3] tensor made beforehand. Inside: resize to the model input (bilinear, stretched),
// /255, inference, resize of the output back to the image size, *255. human picks the model's code by the file
// name (selfie, meet). Its meet post-processing applies the softmax across image rows rather than across the
// two channels (see ../../../shared/notes/reference-libraries.md): that is what human does, and it is kept.
// Output: {library, versions: {human, tfjs, node}, backend, simd, multithread, model, loadMs, warmup, repeat,
// threshold, images: [{id, file, width, height, decodeMs, ms, times, cpuMs, cpuTimes, faces: {personPixels,
// personFraction, rle: {size: [h, w], counts}}}], failed, leakedTensors} (per-image results are under "faces"
// because the shared timing loop names them so; RLE counts are COCO's: column-major, starting with zeros).
'use strict';
const fs = require('fs');
const path = require('path');
const { parseOptions, imageItems, analyseImages, wasmSupport, writeJson, runMain } = require('../common/reference-io.js');
const { loadHuman } = require('./load-human.js');

// human logs with console.log; keep stdout for the JSON document only.
console.log = (...args) => console.error(...args);

function parseArgs(argv) {
  const args = parseOptions(argv, { threshold: '0.5', backend: 'wasm', warmup: '1', repeat: '1', 'no-mask': false }, ['no-mask']);
  if (!args.model) throw new Error('--model <dir>/selfie.json or <dir>/meet.json is required');
  if (!/selfie|meet/i.test(path.basename(args.model))) throw new Error(`model '${args.model}': human runs only selfie*.json or meet*.json here (it picks the code by the file name)`);
  if (!['wasm', 'cpu'].includes(args.backend)) throw new Error(`--backend must be wasm or cpu, not '${args.backend}'`);
  if (args.files.length === 0 && !args.list) throw new Error('no images: give image files or --list <images.jsonl>');
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const items = imageItems(args);
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
  let last = null;
  // One call: segmentation and the alpha read back (int32 [h, w, 1], 0-255).
  const analyse = async (tensor) => {
    const alpha = await human.segmentation(tensor);
    if (!alpha) throw new Error('human.segmentation returned nothing (model not loaded?)');
    const data = await alpha.data();
    const [height, width] = alpha.shape;
    tf.dispose(alpha);
    last = { data, width, height };
    return last;
  };
  const describe = (r) => {
    const { counts, pixels } = rle(r.data, r.width, r.height, cut);
    const result = { personPixels: pixels, personFraction: pixels / (r.width * r.height) };
    if (!args['no-mask']) result.rle = { size: [r.height, r.width], counts };
    return result;
  };
  const run = await analyseImages(tf, items, {
    analyse, describe, warmup: Number(args.warmup), repeat: Math.max(1, Number(args.repeat)), backend: args.backend,
    largeWarning: 'input over 2^24 values on wasm', name: 'segment.js',
  });
  await writeJson({
    library: 'human', versions: { human: version, tfjs: tf.version_core, node: process.version }, backend: tf.getBackend(), simd, multithread,
    model: modelPath, loadMs, warmup: Number(args.warmup), repeat: Number(args.repeat), threshold: Number(args.threshold), ...run,
  });
}

runMain('segment.js', main);
