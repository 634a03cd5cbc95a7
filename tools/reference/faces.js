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
// --list:  one JSON object a line, {"id", "file", "width", "height", "source"?}, where <file> holds
//          width*height*3 bytes, RGB, row by row (no header) as detect.js in tools/human-reference takes them;
//          "source" (optional) is the name reported for the image.
// Image files: PNG is decoded here (zlib, no dependency); JPEG only when the jpeg-js package can be required
// (it is not a dependency of this folder): otherwise decode elsewhere and pass raw RGB with --list.
// Timing: wall time of the awaited face-api chain
//   detectAllFaces(tensor, options).withFaceLandmarks().withFaceDescriptors().withFaceExpressions().withAgeAndGender()
// alone, on an int32 [h, w, 3] tensor made beforehand; decodeMs is reading + decoding the file + making that tensor.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

// Keep stdout for the JSON document only.
console.log = (...args) => console.error(...args);

function parseArgs(argv) {
  const args = { detector: 'ssd', 'min-confidence': '0.5', 'input-size': '416', backend: 'wasm', warmup: '1', repeat: '3', files: [] };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (!key.startsWith('--')) { args.files.push(key); continue; }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`option '${key}' needs a value`);
    args[key.slice(2)] = value;
    i++;
  }
  if (!['ssd', 'tiny'].includes(args.detector)) throw new Error(`--detector must be ssd or tiny, not '${args.detector}'`);
  if (!['wasm', 'cpu'].includes(args.backend)) throw new Error(`--backend must be wasm or cpu, not '${args.backend}'`);
  if (args.files.length === 0 && !args.list) throw new Error('no images: give image files or --list <images.jsonl>');
  return args;
}

// The packages npm ci installed beside this script.
function pkgdir(name) {
  const dir = path.join(__dirname, 'node_modules', ...name.split('/'));
  if (!fs.existsSync(path.join(dir, 'package.json')))
    throw new Error(`${name} is not installed in ${path.join(__dirname, 'node_modules')}: run npm ci --prefix ${path.relative(process.cwd(), __dirname) || '.'}`);
  return dir;
}

// ---- images ----

const PNG_CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

// Non-interlaced PNG, bit depth 8 or 16 (16 keeps the high byte), any colour type, to RGB bytes; alpha is dropped.
function decodePng(bytes, file) {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error(`${file}: not a PNG`);
  let at = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0, palette = null;
  const idat = [];
  while (at + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const kind = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]; type = data[9]; interlace = data[12];
    } else if (kind === 'PLTE') palette = data;
    else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    at += 12 + length;
  }
  if (!(type in PNG_CHANNELS)) throw new Error(`${file}: PNG colour type ${type}`);
  if (interlace !== 0) throw new Error(`${file}: interlaced PNG is not supported here (pass raw RGB with --list)`);
  if (depth !== 8 && depth !== 16) throw new Error(`${file}: PNG bit depth ${depth} is not supported here (pass raw RGB with --list)`);
  if (type === 3 && !palette) throw new Error(`${file}: palette PNG without PLTE`);
  const channels = PNG_CHANNELS[type];
  const step = channels * (depth / 8);
  const stride = width * step;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  if (raw.length < height * (stride + 1)) throw new Error(`${file}: PNG data is cut short`);
  const rgb = Buffer.alloc(width * height * 3);
  let prior = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= step ? row[i - step] : 0, b = prior[i], c = i >= step ? prior[i - step] : 0;
      let add = 0;
      if (filter === 1) add = a;
      else if (filter === 2) add = b;
      else if (filter === 3) add = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`${file}: PNG filter ${filter}`);
      row[i] = (row[i] + add) & 255;
    }
    for (let x = 0; x < width; x++) {
      const s = (k) => row[x * step + k * (depth / 8)]; // sample k of the pixel (high byte at 16 bits)
      const o = (y * width + x) * 3;
      if (type === 2 || type === 6) { rgb[o] = s(0); rgb[o + 1] = s(1); rgb[o + 2] = s(2); }
      else if (type === 3) { const p = s(0) * 3; rgb[o] = palette[p]; rgb[o + 1] = palette[p + 1]; rgb[o + 2] = palette[p + 2]; }
      else { rgb[o] = rgb[o + 1] = rgb[o + 2] = s(0); }
    }
    prior = row;
  }
  return { width, height, rgb };
}

function decodeJpeg(bytes, file) {
  let jpeg;
  try {
    jpeg = require('jpeg-js');
  } catch {
    throw new Error(`${file}: JPEG needs the jpeg-js package, which is not installed here; decode elsewhere and pass raw RGB with --list`);
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 });
  return { width: img.width, height: img.height, rgb: img.data };
}

function readList(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().length > 0).map((l, i) => {
    const item = JSON.parse(l);
    if (!item.file || !(item.width > 0) || !(item.height > 0))
      throw new Error(`${file}:${i + 1}: expected {id, file, width, height}`);
    return { id: item.id ?? i, file: item.file, source: item.source ?? item.file, raw: true, width: item.width, height: item.height };
  });
}

// The image as an int32 [h, w, 3] tensor (what face-api takes as is), and how long reading and decoding took.
function loadImage(tf, item) {
  const start = performance.now();
  const bytes = fs.readFileSync(item.file);
  let image;
  if (item.raw) {
    if (bytes.length !== item.width * item.height * 3)
      throw new Error(`${item.file}: ${bytes.length} bytes, expected ${item.width}x${item.height}x3 = ${item.width * item.height * 3}`);
    image = { width: item.width, height: item.height, rgb: bytes };
  } else if (bytes[0] === 0x89 && bytes[1] === 0x50) image = decodePng(bytes, item.file);
  else if (bytes[0] === 0xff && bytes[1] === 0xd8) image = decodeJpeg(bytes, item.file);
  else throw new Error(`${item.file}: neither PNG nor JPEG (pass raw RGB with --list)`);
  const pixels = new Uint8Array(image.rgb.buffer, image.rgb.byteOffset, image.width * image.height * 3);
  const tensor = tf.tensor3d(pixels, [image.height, image.width, 3], 'int32');
  return { tensor, width: image.width, height: image.height, decodeMs: performance.now() - start };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---- face-api ----

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const items = args.list ? readList(args.list) : args.files.map((f, i) => ({ id: i, file: f, source: f, raw: false }));
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
  if (warmup > 0) {
    const first = loadImage(tf, items[0]);
    for (let i = 0; i < warmup; i++) await analyse(first.tensor);
    tf.dispose(first.tensor);
  }

  const tensorsBefore = tf.memory().numTensors;
  const images = [];
  let failed = 0;
  for (const item of items) {
    let input;
    try {
      input = loadImage(tf, item);
      const times = [];
      const cpuTimes = []; // process CPU time (user + system) of each run: less sensitive than wall time to a busy machine
      let results;
      for (let r = 0; r < repeat; r++) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        results = await analyse(input.tensor);
        times.push(performance.now() - start);
        const cpu = process.cpuUsage(cpuStart);
        cpuTimes.push((cpu.user + cpu.system) / 1000);
      }
      const faces = results.map((f) => ({
        box: { x: f.detection.box.x, y: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height },
        score: f.detection.score,
        landmarks: f.landmarks.positions.map((p) => [p.x, p.y]),
        descriptor: Array.from(f.descriptor),
        expressions: { ...f.expressions },
        expression: Object.entries(f.expressions).sort((a, b) => b[1] - a[1])[0][0],
        age: f.age,
        gender: f.gender,
        genderProbability: f.genderProbability,
      }));
      const image = { id: item.id, file: item.source, width: input.width, height: input.height, decodeMs: input.decodeMs, ms: median(times), times, cpuMs: median(cpuTimes), cpuTimes, faces };
      if (args.backend === 'wasm' && input.width * input.height * 3 > 2 ** 24)
        image.warning = 'input over 2^24 values: the wasm backend\'s cropAndResize is wrong past that size (use --backend cpu or downscale)';
      images.push(image);
    } catch (e) {
      failed++;
      images.push({ id: item.id, file: item.source, error: String(e && e.message ? e.message : e) });
    } finally {
      if (input) tf.dispose(input.tensor);
    }
    process.stderr.write(`faces.js: ${images.length}/${items.length} ${item.source}\n`);
  }

  const simd = args.backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : false;
  const threads = args.backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') : false;
  const faceApiVersion = JSON.parse(fs.readFileSync(path.join(faceApiDir, 'package.json'), 'utf8')).version;
  const doc = {
    library: 'face-api',
    versions: { faceApi: faceApiVersion, tfjs: tf.version_core, node: process.version },
    backend: tf.getBackend(), simd, multithread: threads,
    detector: args.detector === 'tiny' ? 'tinyFaceDetector' : 'ssdMobilenetv1',
    minConfidence, inputSize: args.detector === 'tiny' ? Number(args['input-size']) : null,
    models: modelDir, loadMs, warmup, repeat,
    expressionLabels: ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'],
    images, failed, leakedTensors: tf.memory().numTensors - tensorsBefore,
  };
  // stdout is asynchronous when it is a pipe: exit only once the whole document has been flushed.
  await new Promise((resolve, reject) => process.stdout.write(JSON.stringify(doc) + '\n', (e) => (e ? reject(e) : resolve())));
}

main().then(() => process.exit(0), (e) => {
  console.error(`faces.js: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
