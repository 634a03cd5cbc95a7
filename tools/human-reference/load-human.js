// Loads @vladmandic/human offline for the scripts in this folder (detect.js, faces.js): the Node WASM build by
// path, TensorFlow.js's WASM binaries from this folder's node_modules, and every model from local files.
'use strict';
const fs = require('fs');
const path = require('path');
const { packageDir } = require('../common/reference-io.js');

// The packages npm ci installed in this folder.
const pkgdir = (name) => packageDir(__dirname, name);

// TensorFlow.js loads models with fetch, which cannot read local files: serve model.json and its
// weight shards from disk through an IO router for absolute paths.
function registerFileRouter(tf) {
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string') return null;
    const file = url.startsWith('file://') ? url.slice('file://'.length) : url;
    if (!path.isAbsolute(file) || !file.endsWith('.json') || !fs.existsSync(file)) return null;
    return {
      load: async () => {
        const json = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
        const dir = path.dirname(file);
        const weightSpecs = [];
        const shards = [];
        for (const group of json.weightsManifest || []) {
          weightSpecs.push(...group.weights);
          for (const p of group.paths) shards.push(fs.readFileSync(path.join(dir, p)));
        }
        const all = Buffer.concat(shards);
        return {
          modelTopology: json.modelTopology,
          format: json.format,
          generatedBy: json.generatedBy,
          convertedBy: json.convertedBy,
          signature: json.signature,
          userDefinedMetadata: json.userDefinedMetadata,
          modelInitializer: json.modelInitializer,
          weightSpecs,
          weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        };
      },
    };
  });
}

// A Human on <backend> with its models loaded from <modelBasePath> (model paths in <modules> absolute: human
// uses them as is), set up so that nothing is fetched and nothing is carried over from one image to the next:
// no model cache, no warm-up, no input filter, cacheSensitivity 0 (every image is a new scene). <modules> are
// the remaining config entries (face, body, hand, object, gesture, segmentation). Returns the human, its tf,
// the package version and the time init + load took; throws when the backend is not the one asked for.
async function loadHuman({ backend, modelBasePath, ...modules }) {
  // human's exports map does not expose the WASM build for Node; load it by its path.
  const dir = pkgdir('@vladmandic/human');
  const { Human } = require(path.join(dir, 'dist', 'human.node-wasm.js'));
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  const human = new Human({
    debug: false,
    backend,
    wasmPath: path.join(pkgdir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep,
    wasmPlatformFetch: false,
    modelBasePath,
    cacheModels: false,
    cacheSensitivity: 0, // every image is a new scene: no result is reused from the previous image
    warmup: 'none',
    async: false,
    filter: { enabled: false },
    ...modules,
  });
  const tf = human.tf;
  registerFileRouter(tf);
  const loadStart = performance.now();
  await human.init();
  await human.load();
  const loadMs = performance.now() - loadStart;
  if (tf.getBackend() !== backend) throw new Error(`backend is '${tf.getBackend()}', expected ${backend}`);
  return { human, tf, version, loadMs };
}

module.exports = { pkgdir, registerFileRouter, loadHuman };
