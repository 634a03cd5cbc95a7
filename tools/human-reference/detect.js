#!/usr/bin/env node
// Runs @vladmandic/human's object detection (CenterNet or NanoDet, TensorFlow.js WASM backend) over a list
// of images given as raw RGB bytes, in one process with the model loaded once, and writes one JSON line
// per image with human's detections and the time human.detect took.
//
// usage: node detect.js --model <dir/centernet.json|dir/nanodet.json> --list <images.jsonl> --out <results.jsonl>
//                       [--min-score 0.05] [--max 100] [--iou 0.4] [--warmup 1] [--passes 1] [--barrier on]
// --list: one JSON object a line, {"id": <image id>, "file": <path>, "width": <px>, "height": <px>}, where
//         <path> holds width*height*3 bytes, RGB, row by row (no header).
// --out:  first line {"type":"info", ...} (versions, backend, model load time), then one line per image
//         {"type":"image", "id", "width", "height", "ms", "objects": [{score, class, label, box, boxRaw}]}
//         (box: [x, y, w, h] pixels as human truncates them; boxRaw: the same 0-1) from the first pass,
//         {"type":"pass", "pass", "images", "totalMs", "ms": [per image], "wallMs", "cpuMs"} after each pass (wallMs: the
//         whole pass, tensors included; cpuMs: the process's CPU time over it), last {"type":"done", ...}.
// --passes N: go over the list N times (detections are written once; each pass is timed).
// --barrier on: before each pass say "barrier: ready" on stderr and wait for a line on stdin, so that copies on
//         shares of the list (one per core) time their passes together.
// Timing: wall time of `await human.detect(tensor)` alone; reading the file and making the uint8 input
// tensor are outside it. Inside it: cast, resize to the model input, inference, box decoding and NMS.
'use strict';
const fs = require('fs');
const path = require('path');
const { readList, loadImage, wasmSupport, errorMessage, barrier, runMain } = require('../common/reference-io.js');
const { loadHuman } = require('./load-human.js');

// human logs with console.log; keep stdout for progress only and send the library's log lines to stderr.
console.log = (...args) => console.error(...args);

function parseArgs(argv) {
  const args = { 'min-score': '0.05', max: '100', iou: '0.4', warmup: '1', passes: '1', barrier: 'off' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key.startsWith('--') || value === undefined) throw new Error(`bad argument '${key}' (expected --name value pairs)`);
    args[key.slice(2)] = value;
  }
  for (const required of ['model', 'list', 'out'])
    if (!args[required]) throw new Error(`--${required} is required`);
  if (!['on', 'off'].includes(args.barrier)) throw new Error(`--barrier must be on or off, not '${args.barrier}'`);
  return args;
}

// The image as the int32 [h, w, 3] tensor human takes (raw RGB bytes only).
const inputTensor = (tf, item) => loadImage(tf, item).tensor;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const modelPath = path.resolve(args.model);
  if (!fs.existsSync(modelPath)) throw new Error(`model '${modelPath}' does not exist`);
  const modelName = path.basename(modelPath);
  // human picks the decoder by the model file's name.
  if (!/nanodet|centernet/i.test(modelName)) throw new Error(`model '${modelName}': human decodes only centernet*.json or nanodet*.json`);
  const list = readList(args.list, true);
  const passes = Math.max(1, Number(args.passes));
  const out = fs.openSync(args.out, 'w');
  const write = (obj) => fs.writeSync(out, JSON.stringify(obj) + '\n');

  const { human, tf, version, loadMs } = await loadHuman({
    backend: 'wasm',
    modelBasePath: path.dirname(modelPath),
    face: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    object: {
      enabled: true,
      modelPath, // absolute: human uses it as is
      minConfidence: Number(args['min-score']),
      maxDetected: Number(args.max),
      iouThreshold: Number(args.iou),
      skipFrames: 0,
      skipTime: 0,
    },
  });
  const loaded = human.models.loaded();
  if (loaded.length !== 1) throw new Error(`expected one loaded model, got [${loaded.join(', ')}]: see the log above`);
  const { simd, multithread } = await wasmSupport(tf, 'wasm');
  write({
    type: 'info', human: version, tfjs: tf.version_core, backend: tf.getBackend(), simd, multithread,
    model: modelPath, loadMs, node: process.version, config: human.config.object, models: loaded,
  });

  // Unmeasured runs first: the first inference compiles kernels and allocates.
  const warmup = Math.min(Number(args.warmup), list.length);
  for (let i = 0; i < warmup; i++) {
    const t = inputTensor(tf, list[i]);
    const r = await human.detect(t);
    tf.dispose(t);
    if (r.error) throw new Error(`warm-up: ${r.error}`);
  }

  // Pass 1 writes every image's detections; further passes (--passes) only time, so a busy machine can
  // be smoothed by taking the best pass.
  const tensorsBefore = tf.memory().numTensors;
  let failed = 0;
  for (let pass = 1; pass <= passes; pass++) {
    if (args.barrier === 'on') await barrier();
    const passStart = performance.now();
    const cpuStart = process.cpuUsage();
    const times = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      let t;
      try {
        t = inputTensor(tf, item);
        const start = performance.now();
        const result = await human.detect(t);
        const ms = performance.now() - start;
        if (result.error) throw new Error(result.error);
        times.push(ms);
        if (pass === 1) {
          const objects = (result.object || []).map((o) => ({ score: o.score, class: o.class, label: o.label, box: o.box, boxRaw: o.boxRaw }));
          write({ type: 'image', id: item.id, width: item.width, height: item.height, ms, objects });
        }
      } catch (e) {
        if (pass === 1) {
          failed++;
          write({ type: 'image', id: item.id, width: item.width, height: item.height, error: errorMessage(e) });
        }
      } finally {
        if (t) tf.dispose(t);
      }
      if ((i + 1) % 32 === 0 || i + 1 === list.length) process.stdout.write(`pass ${pass}/${passes}: ${i + 1}/${list.length} images\n`);
    }
    const cpu = process.cpuUsage(cpuStart);
    write({
      type: 'pass', pass, images: times.length, totalMs: times.reduce((a, b) => a + b, 0), ms: times,
      wallMs: performance.now() - passStart, cpuMs: (cpu.user + cpu.system) / 1000,
    });
  }
  write({ type: 'done', images: list.length, passes, failed, leakedTensors: tf.memory().numTensors - tensorsBefore });
  fs.closeSync(out);
}

runMain('detect.js', main);
