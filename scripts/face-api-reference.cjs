// Records reference descriptors of dlib's face ResNet by running the
// @vladmandic/face-api package's own JavaScript (TF.js, CPU backend), so
// that tests can check that our LibTorch conversion computes the same thing.
// Run once, by hand, when the conversion or the package version changes:
//
//   node scripts/face-api-reference.cjs <face-api package dir> <out.json> [chip.ppm ...]
//
// Inputs: three synthetic 150×150 RGB images (a formula both this script and
// tests/unit/FaceTowerReferenceTest.cpp compute) and any 150×150 RGB chips
// given as binary PPM files (made with `siamese detect PHOTO --model
// face-tower.siamese --crop-out chip.ppm`). Only descriptors and a hash of
// each input are written: no photo pixels.
//
// face-api scales its input as (x − mean) / 255, dlib as (x − mean) / 256;
// the script feeds face-api mean + (x − mean)·255/256, so both see dlib's input.
'use strict';

const fs = require('fs');
const path = require('path');

const [packageDir, outPath, ...chipPaths] = process.argv.slice(2);
if (!packageDir || !outPath) {
  console.error('usage: node face-api-reference.cjs <face-api package dir> <out.json> [chip.ppm ...]');
  process.exit(2);
}

// face-api's browser bundle carries TF.js. Under Node it would pick TF.js's
// node platform, which needs a module the bundle stubs out; hiding `process`
// keeps it on a plain platform that we give the four functions it uses.
const bundle = fs.readFileSync(path.join(packageDir, 'dist/face-api.js'), 'utf8');
const faceapi = new Function('require', 'process', 'module', `${bundle}\n;return faceapi;`)(
  require, { version: process.version, env: {} }, {});
const tf = faceapi.tf;
tf.env().setPlatform('plain', {
  fetch: (...a) => fetch(...a),
  now: () => performance.now(),
  encode: (s) => new TextEncoder().encode(s),
  decode: (b, e) => new TextDecoder(e).decode(b),
  isTypedArray: (a) => a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array
    || a instanceof Uint8ClampedArray,
});
faceapi.env.setEnv({
  Canvas: class {}, CanvasRenderingContext2D: class {}, Image: class {}, ImageData: class {}, Video: class {},
  createCanvasElement: () => ({}), createImageElement: () => ({}), createVideoElement: () => ({}),
  fetch, readFile: () => null,
});

const SIZE = 150;
const MEAN = [122.782, 117.001, 104.298];

// Synthetic image k: RGB bytes, row-major. Keep in step with the C++ test.
function synthetic(k) {
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; ++y) {
    for (let x = 0; x < SIZE; ++x) {
      for (let c = 0; c < 3; ++c) {
        rgb[(y * SIZE + x) * 3 + c] = (x * (3 + k) + y * (5 + 2 * k) + c * 71 + k * 37 + ((x * y) % (11 + k)) * 7) % 256;
      }
    }
  }
  return rgb;
}

// Binary PPM (P6, maxval 255) → RGB bytes.
function readPpm(file) {
  const data = fs.readFileSync(file);
  const header = [];
  let pos = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(data[pos]))) ++pos;
    if (data[pos] === 0x23) { while (data[pos] !== 0x0a) ++pos; continue; }
    let token = '';
    while (!/\s/.test(String.fromCharCode(data[pos]))) token += String.fromCharCode(data[pos++]);
    header.push(token);
  }
  ++pos;
  const [magic, width, height, maxval] = header;
  if (magic !== 'P6' || +width !== SIZE || +height !== SIZE || +maxval !== 255) {
    throw new Error(`${file}: not a ${SIZE}x${SIZE} binary PPM`);
  }
  return new Uint8Array(data.subarray(pos, pos + SIZE * SIZE * 3));
}

// 64-bit FNV-1a as 16 hex digits, exactly as fnv1aHex() in core/common/Hash.h
// (whose start value is 1469598103934665603, not FNV's usual 14695981039346656037).
function fnv1a(bytes) {
  let hash = 1469598103934665603n;
  for (const b of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(b)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  const modelDir = path.join(packageDir, 'model');
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'face_recognition_model-weights_manifest.json')));
  const shard = fs.readFileSync(path.join(modelDir, manifest[0].paths[0]));
  const net = new faceapi.FaceRecognitionNet();
  net.loadFromWeightMap(tf.io.decodeWeights(
    shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength), manifest[0].weights));

  const inputs = [0, 1, 2].map((k) => ({ name: `synthetic-${k}`, rgb: synthetic(k) }))
    .concat(chipPaths.map((file) => ({ name: path.basename(file, '.ppm'), rgb: readPpm(file) })));
  const records = [];
  for (const { name, rgb } of inputs) {
    const scaled = new Float32Array(rgb.length);
    for (let i = 0; i < rgb.length; ++i) scaled[i] = MEAN[i % 3] + (rgb[i] - MEAN[i % 3]) * (255 / 256);
    const descriptor = await net.computeFaceDescriptor(tf.tensor4d(scaled, [1, SIZE, SIZE, 3]));
    records.push({ name, rgb_fnv1a: fnv1a(rgb), descriptor: Array.from(descriptor, (v) => +v.toFixed(7)) });
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json')));
  const out = {
    produced_by: 'scripts/face-api-reference.cjs',
    package: `${pkg.name} ${pkg.version}`,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    inputs: records,
  };
  fs.writeFileSync(outPath, `${JSON.stringify(out, null, 1)}\n`);
  console.log(`wrote ${records.length} descriptors to ${outPath}`);
})().catch((e) => { console.error(e); process.exit(1); });
