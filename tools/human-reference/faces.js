#!/usr/bin/env node
// Runs @vladmandic/human's face pipeline (BlazeFace detector, FaceMesh, faceres description, emotion;
// TensorFlow.js 4.22.0, WASM backend by default) over a list of images in one Node process, with the models
// loaded once, and prints one JSON document on stdout: per image the faces (box, scores, 1024-d faceres
// embedding, emotions, age, gender) and the time human.detect took.
//
// usage: node faces.js [options] <image.png|image.jpg|...>...
//        node faces.js [options] --list <images.jsonl>
// options: --models <dir>        folder with blazeface/facemesh/iris/faceres/emotion .json + .bin
//                                (default: the models/ folder the @vladmandic/human package ships)
//          --max-faces N         detector maxDetected (default 20; human's own default is 1)
//          --min-confidence X    detector minConfidence (default 0.2, human's default)
//          --mesh on|off         FaceMesh refinement of the box and crop (default on, human's default)
//          --iris on|off         iris model (default off; human's default is on, nothing here needs it)
//          --rotation on|off     detector rotation correction (default off, human's default)
//          --with-mesh           also write each face's mesh points (468, or 478 with iris)
//          --backend wasm|cpu    (default wasm; see the README about large inputs on wasm)
//          --warmup N            unmeasured runs of the first image before any measurement (default 1)
//          --repeat N            measured runs per image; the reported ms is their median (default 3)
//                                (cpuMs: the same for the process's CPU time, steadier on a busy machine)
//          --barrier             after the warm-up, say "barrier: ready" on stderr and wait for a line on stdin
//                                (copies on shares of the images, one per core, then measure together; the
//                                document's wallMs and cpuMs cover the images from there on)
// --list:  one JSON object a line, {"id", "file", "width", "height", "source"?}, where <file> holds
//          width*height*3 bytes, RGB, row by row (no header), as detect.js takes them; "source" (optional)
//          is the name reported for the image.
// Image files: PNG is decoded here (zlib, no dependency: tools/common/reference-io.js, which this script needs
// beside its folder); JPEG only when the jpeg-js package can be required (it is not a dependency of this folder):
// otherwise decode elsewhere and pass raw RGB with --list.
// Timing: wall time of `await human.detect(tensor)` alone, on an int32 [h, w, 3] tensor made beforehand
// (human takes a tensor as is: no filters, no canvas); decodeMs is reading + decoding + making that tensor.
'use strict';
const fs = require('fs');
const path = require('path');
const { parseOptions, imageItems, analyseImages, wasmSupport, writeJson, runMain } = require('../common/reference-io.js');
const { pkgdir, loadHuman } = require('./load-human.js');

// human logs with console.log; keep stdout for the JSON document only.
console.log = (...args) => console.error(...args);

function parseArgs(argv) {
  const args = parseOptions(argv, {
    'max-faces': '20', 'min-confidence': '0.2', mesh: 'on', iris: 'off', rotation: 'off', 'with-mesh': false,
    backend: 'wasm', warmup: '1', repeat: '3', barrier: false,
  }, ['with-mesh', 'barrier']);
  for (const flag of ['mesh', 'iris', 'rotation'])
    if (!['on', 'off'].includes(args[flag])) throw new Error(`--${flag} must be on or off, not '${args[flag]}'`);
  if (!['wasm', 'cpu'].includes(args.backend)) throw new Error(`--backend must be wasm or cpu, not '${args.backend}'`);
  if (args.files.length === 0 && !args.list) throw new Error('no images: give image files or --list <images.jsonl>');
  return args;
}

// ---- human ----

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const items = imageItems(args);
  const humanDir = pkgdir('@vladmandic/human');
  const modelDir = path.resolve(args.models || path.join(humanDir, 'models'));
  const on = (flag) => args[flag] === 'on';
  const needed = ['blazeface.json', 'faceres.json', 'emotion.json', ...(on('mesh') ? ['facemesh.json'] : []), ...(on('iris') ? ['iris.json'] : [])];
  for (const m of needed)
    if (!fs.existsSync(path.join(modelDir, m))) throw new Error(`model ${path.join(modelDir, m)} is missing (use --models <dir>${m === 'facemesh.json' ? ' or --mesh off' : ''})`);
  const model = (name) => path.join(modelDir, name); // absolute: human uses it as is

  const noSkip = { skipFrames: 0, skipTime: 0 };
  const { human, tf, version, loadMs } = await loadHuman({
    backend: args.backend,
    modelBasePath: modelDir,
    face: {
      enabled: true,
      detector: {
        modelPath: model('blazeface.json'), rotation: on('rotation'), maxDetected: Number(args['max-faces']),
        minConfidence: Number(args['min-confidence']), return: false, mask: false, ...noSkip,
      },
      mesh: { enabled: on('mesh'), modelPath: model('facemesh.json'), keepInvalid: false },
      attention: { enabled: false },
      iris: { enabled: on('iris'), modelPath: model('iris.json') },
      // minConfidence 0: every one of the 7 emotions is reported (human's default 0.1 drops the small ones).
      emotion: { enabled: true, modelPath: model('emotion.json'), minConfidence: 0, ...noSkip },
      description: { enabled: true, modelPath: model('faceres.json'), minConfidence: 0.1, ...noSkip },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  const loaded = human.models.loaded();
  for (const m of ['blazeface', 'faceres', 'emotion', ...(on('mesh') ? ['facemesh'] : []), ...(on('iris') ? ['iris'] : [])])
    if (!loaded.some((l) => l.toLowerCase().includes(m))) throw new Error(`model ${m} did not load (loaded: ${loaded.join(', ')}): see the log above`);

  const analyse = async (tensor) => {
    const result = await human.detect(tensor);
    if (result.error) throw new Error(result.error);
    return result;
  };

  const warmup = Math.max(0, Number(args.warmup));
  const repeat = Math.max(1, Number(args.repeat));
  const run = await analyseImages(tf, items, {
    analyse,
    describe: (result) => result.face.map((f) => {
      const face = {
        box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] },
        boxRaw: { x: f.boxRaw[0], y: f.boxRaw[1], width: f.boxRaw[2], height: f.boxRaw[3] },
        score: f.score, boxScore: f.boxScore, faceScore: f.faceScore,
        meshPoints: f.mesh.length,
        descriptor: Array.from(f.embedding || []),
        emotion: (f.emotion || []).map((e) => ({ emotion: e.emotion, score: e.score })),
        age: f.age, gender: f.gender, genderScore: f.genderScore,
      };
      if (args['with-mesh']) face.mesh = f.mesh;
      return face;
    }),
    warmup, repeat, backend: args.backend, name: 'faces.js', requireFromScript: require, withBarrier: args.barrier,
    largeWarning: 'input over 2^24 values: the wasm backend\'s cropAndResize is wrong past that size, face crops come out corrupted (use --backend cpu or downscale)',
  });

  const { simd, multithread } = await wasmSupport(tf, args.backend);
  const doc = {
    library: 'human',
    versions: { human: version, tfjs: tf.version_core, node: process.version },
    backend: tf.getBackend(), simd, multithread,
    models: modelDir, loaded, loadMs, warmup, repeat,
    config: { face: human.config.face },
    emotionLabels: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
    images: run.images, failed: run.failed, leakedTensors: run.leakedTensors, wallMs: run.wallMs, cpuMs: run.cpuMs,
  };
  await writeJson(doc); // flushed before runMain exits
}

runMain('faces.js', main);
