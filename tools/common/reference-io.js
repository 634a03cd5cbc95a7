// Shared by the Node reference scripts (tools/reference/faces.js, tools/human-reference/faces.js and detect.js):
// finding the packages npm ci installed beside a script, parsing options, reading images (PNG decoded here,
// raw RGB lists), timing repeated runs, and writing the JSON document on stdout.
// Node built-ins only: each tool folder has its own node_modules, so whatever needs a package (tfjs, jpeg-js)
// is passed in by the calling script (a tf object, the script's own require).
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

// The package <name> npm ci installed in <dir>/node_modules (some packages do not export package.json, so it
// is found by path rather than by require.resolve).
function packageDir(dir, name) {
  const found = path.join(dir, 'node_modules', ...name.split('/'));
  if (!fs.existsSync(path.join(found, 'package.json')))
    throw new Error(`${name} is not installed in ${path.join(dir, 'node_modules')}: run npm ci --prefix ${path.relative(process.cwd(), dir) || '.'}`);
  return found;
}

// `--name value` options over <defaults>, the names in <flags> taking no value (they become true), and every
// other argument a file (args.files).
function parseOptions(argv, defaults, flags = []) {
  const args = { ...defaults, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (!key.startsWith('--')) { args.files.push(key); continue; }
    if (flags.includes(key.slice(2))) { args[key.slice(2)] = true; continue; }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`option '${key}' needs a value`);
    args[key.slice(2)] = value;
    i++;
  }
  return args;
}

// The option checks of a script that runs a model over images: a backend it can start, and images to run on.
function checkBackendAndImages(args) {
  if (!['wasm', 'cpu'].includes(args.backend)) throw new Error(`--backend must be wasm or cpu, not '${args.backend}'`);
  if (args.files.length === 0 && !args.list) throw new Error('no images: give image files or --list <images.jsonl>');
  return args;
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

// JPEG through jpeg-js, required with the calling script's own require (it is no dependency of either folder).
function decodeJpeg(bytes, file, requireFromScript) {
  let jpeg;
  try {
    jpeg = requireFromScript('jpeg-js');
  } catch {
    throw new Error(`${file}: JPEG needs the jpeg-js package, which is not installed here; decode elsewhere and pass raw RGB with --list`);
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 });
  return { width: img.width, height: img.height, rgb: img.data };
}

// A --list file: one JSON object a line, {id, file, width, height, source?}, <file> holding width*height*3 bytes
// of RGB. <requireId>: a line without "id" is an error (otherwise the line's index is its id).
function readList(file, requireId = false) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().length > 0).map((l, i) => {
    const item = JSON.parse(l);
    if ((requireId && item.id === undefined) || !item.file || !(item.width > 0) || !(item.height > 0))
      throw new Error(`${file}:${i + 1}: expected {id, file, width, height}`);
    return { id: requireId ? item.id : item.id ?? i, file: item.file, source: item.source ?? item.file, raw: true, width: item.width, height: item.height };
  });
}

// The images a faces script was given: the --list file's, or the image files on the command line.
function imageItems(args) {
  return args.list ? readList(args.list) : args.files.map((f, i) => ({ id: i, file: f, source: f, raw: false }));
}

// The image as an int32 [h, w, 3] tensor (what face-api and human take as is), and how long reading and decoding
// took. <requireFromScript>: the calling script's require, for jpeg-js (not needed for raw items).
function loadImage(tf, item, requireFromScript) {
  const start = performance.now();
  const bytes = fs.readFileSync(item.file);
  let image;
  if (item.raw) {
    if (bytes.length !== item.width * item.height * 3)
      throw new Error(`${item.file}: ${bytes.length} bytes, expected ${item.width}x${item.height}x3 = ${item.width * item.height * 3}`);
    image = { width: item.width, height: item.height, rgb: bytes };
  } else if (bytes[0] === 0x89 && bytes[1] === 0x50) image = decodePng(bytes, item.file);
  else if (bytes[0] === 0xff && bytes[1] === 0xd8) image = decodeJpeg(bytes, item.file, requireFromScript);
  else throw new Error(`${item.file}: neither PNG nor JPEG (pass raw RGB with --list)`);
  const pixels = new Uint8Array(image.rgb.buffer, image.rgb.byteOffset, image.width * image.height * 3);
  const tensor = tf.tensor3d(pixels, [image.height, image.width, 3], 'int32');
  return { tensor, width: image.width, height: image.height, decodeMs: performance.now() - start };
}

// ---- running and timing ----

// Several copies of a script, each on its share of the images (one per core), start each measured stretch
// together: a copy says "barrier: ready" on stderr and waits for one line on stdin from whoever started it,
// who answers once every copy is ready. Resolves on that line; rejects when stdin closes first.
let stdinReader = null;
const stdinWaiting = [];
function barrier() {
  if (!stdinReader) {
    stdinReader = require('readline').createInterface({ input: process.stdin });
    stdinReader.on('line', () => { const next = stdinWaiting.shift(); if (next) next.resolve(); });
    stdinReader.on('close', () => { for (const w of stdinWaiting.splice(0)) w.reject(new Error('barrier: stdin closed before the go line')); });
  }
  return new Promise((resolve, reject) => {
    stdinWaiting.push({ resolve, reject });
    process.stderr.write('barrier: ready\n');
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const errorMessage = (e) => String(e && e.message ? e.message : e);

// Runs <analyse>(tensor) over every item: first <warmup> unmeasured runs of the first image, then per image
// <repeat> measured runs. Returns {images, failed, leakedTensors}; per image {id, file, width, height, decodeMs,
// ms, times, cpuMs, cpuTimes, faces} (faces, or the name given as <field>: <describe>(the last run's result)),
// with <largeWarning> as its warning when the backend is wasm and the input holds over 2^24 values, or
// {id, file, error}. Progress lines go to stderr as "<name>: i/n file". <requireFromScript>: as for loadImage.
// <withBarrier>: wait at the barrier (above) after the warm-up, so that copies of the script on shares of the
// images measure at the same time; the result's wallMs and cpuMs then cover the images from the barrier on.
async function analyseImages(tf, items, { analyse, describe, warmup, repeat, backend, largeWarning, name, requireFromScript, field = 'faces', withBarrier = false }) {
  if (warmup > 0) {
    const first = loadImage(tf, items[0], requireFromScript);
    for (let i = 0; i < warmup; i++) await analyse(first.tensor);
    tf.dispose(first.tensor);
  }
  if (withBarrier) await barrier();
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();

  const tensorsBefore = tf.memory().numTensors;
  const images = [];
  let failed = 0;
  for (const item of items) {
    let input;
    try {
      input = loadImage(tf, item, requireFromScript);
      const times = [];
      const cpuTimes = []; // process CPU time (user + system) of each run: less sensitive than wall time to a busy machine
      let result;
      for (let r = 0; r < repeat; r++) {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        result = await analyse(input.tensor);
        times.push(performance.now() - start);
        const cpu = process.cpuUsage(cpuStart);
        cpuTimes.push((cpu.user + cpu.system) / 1000);
      }
      const described = describe(result);
      const image = { id: item.id, file: item.source, width: input.width, height: input.height, decodeMs: input.decodeMs, ms: median(times), times, cpuMs: median(cpuTimes), cpuTimes, [field]: described };
      if (backend === 'wasm' && input.width * input.height * 3 > 2 ** 24)
        image.warning = largeWarning;
      images.push(image);
    } catch (e) {
      failed++;
      images.push({ id: item.id, file: item.source, error: errorMessage(e) });
    } finally {
      if (input) tf.dispose(input.tensor);
    }
    process.stderr.write(`${name}: ${images.length}/${items.length} ${item.source}\n`);
  }
  const cpu = process.cpuUsage(cpuStart);
  return { images, failed, leakedTensors: tf.memory().numTensors - tensorsBefore, wallMs: performance.now() - wallStart, cpuMs: (cpu.user + cpu.system) / 1000 };
}

// Whether the wasm backend has SIMD and threads (both false on another backend).
async function wasmSupport(tf, backend) {
  const simd = backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : false;
  const multithread = backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') : false;
  return { simd, multithread };
}

// ---- output ----

// stdout is asynchronous when it is a pipe: resolves only once the whole document has been flushed.
function writeJson(doc) {
  return new Promise((resolve, reject) => process.stdout.write(JSON.stringify(doc) + '\n', (e) => (e ? reject(e) : resolve())));
}

// Runs the script's main and exits: 0 when it resolves, 1 with the error on stderr (prefixed with <name>) when not.
function runMain(name, main) {
  main().then(() => process.exit(0), (e) => {
    console.error(`${name}: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
}

module.exports = {
  packageDir, parseOptions, checkBackendAndImages, decodePng, readList, imageItems, loadImage, median, errorMessage, barrier, analyseImages, wasmSupport, writeJson, runMain,
};
