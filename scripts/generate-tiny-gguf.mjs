// Writes public/models/tiny-random-llama.gguf: a llama-architecture model with random weights
// (fixed seed, so the bytes are the same on every run) for real in-browser inference in tests.
// Its output is noise; under a GBNF grammar it is still well-formed, which is what tests check.
// Usage: node scripts/generate-tiny-gguf.mjs [output path]
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outputPath = resolve(process.argv[2] ?? resolve(here, '../public/models/tiny-random-llama.gguf'));

const hyperparameters = {
  contextLength: 512,
  embeddingLength: 64,
  blockCount: 2,
  feedForwardLength: 128,
  headCount: 4,
  headCountKv: 4,
  rmsEpsilon: 1e-5,
  ropeFreqBase: 10000,
};
const seed = 0x5eed_0001;
const alignment = 32;

// GGUF value types and llama.cpp token types.
const GgufType = { uint8: 0, int8: 1, uint16: 2, int16: 3, uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9, uint64: 10, int64: 11, float64: 12 };
const TokenType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 };
const ggmlTypeF32 = 0;

function buildVocabulary() {
  const tokens = [];
  const add = (text, type, score = 0) => tokens.push({ text, type, score });
  add('<unk>', TokenType.unknown);
  add('<s>', TokenType.control);
  add('</s>', TokenType.control);
  // llama.cpp finds byte tokens by this exact spelling (upper-case hex).
  for (let byte = 0; byte < 256; byte++) add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.byte);
  const pieces = [
    '▁',
    ...'abcdefghijklmnopqrstuvwxyz',
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    ...'0123456789',
    ...'{}[]":,.-_/()\'!?#=+*@;<>%&',
    // A few multi-character pieces so that constrained JSON can take fewer tokens.
    '{"', '":', '",', '"}', '▁"', 'name', 'arguments',
  ];
  pieces.forEach((piece, index) => add(piece, TokenType.normal, -index));
  return tokens;
}

// mulberry32: small, fast and the same everywhere.
function createRandom(state) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function buildTensors(vocabularySize) {
  const random = createRandom(seed);
  const { embeddingLength: embd, feedForwardLength: ff, blockCount } = hyperparameters;
  const tensors = [];
  // `dimensions` in GGUF order: the first one varies fastest (ne0 = input width).
  const randomTensor = (name, dimensions, scale) => {
    const count = dimensions.reduce((product, size) => product * size, 1);
    const data = new Float32Array(count);
    for (let index = 0; index < count; index++) {
      // Sum of uniforms: roughly normal, bounded, deterministic.
      const value = random() + random() + random() - 1.5;
      data[index] = value * scale;
    }
    tensors.push({ name, dimensions, data });
  };
  const onesTensor = (name, size) => tensors.push({ name, dimensions: [size], data: new Float32Array(size).fill(1) });

  randomTensor('token_embd.weight', [embd, vocabularySize], 1);
  for (let block = 0; block < blockCount; block++) {
    const prefix = `blk.${block}`;
    onesTensor(`${prefix}.attn_norm.weight`, embd);
    randomTensor(`${prefix}.attn_q.weight`, [embd, embd], 1 / Math.sqrt(embd));
    randomTensor(`${prefix}.attn_k.weight`, [embd, embd], 1 / Math.sqrt(embd));
    randomTensor(`${prefix}.attn_v.weight`, [embd, embd], 1 / Math.sqrt(embd));
    randomTensor(`${prefix}.attn_output.weight`, [embd, embd], 1 / Math.sqrt(embd));
    onesTensor(`${prefix}.ffn_norm.weight`, embd);
    randomTensor(`${prefix}.ffn_gate.weight`, [embd, ff], 1 / Math.sqrt(embd));
    randomTensor(`${prefix}.ffn_up.weight`, [embd, ff], 1 / Math.sqrt(embd));
    randomTensor(`${prefix}.ffn_down.weight`, [ff, embd], 1 / Math.sqrt(ff));
  }
  onesTensor('output_norm.weight', embd);
  randomTensor('output.weight', [embd, vocabularySize], 1 / Math.sqrt(embd));
  return tensors;
}

class ByteWriter {
  constructor() {
    this.chunks = [];
    this.length = 0;
  }
  bytes(array) {
    this.chunks.push(array);
    this.length += array.byteLength;
  }
  view(size, write) {
    const buffer = new ArrayBuffer(size);
    write(new DataView(buffer));
    this.bytes(new Uint8Array(buffer));
  }
  uint32(value) { this.view(4, (view) => view.setUint32(0, value, true)); }
  int32(value) { this.view(4, (view) => view.setInt32(0, value, true)); }
  uint64(value) { this.view(8, (view) => view.setBigUint64(0, BigInt(value), true)); }
  float32(value) { this.view(4, (view) => view.setFloat32(0, value, true)); }
  bool(value) { this.bytes(new Uint8Array([value ? 1 : 0])); }
  string(text) {
    const encoded = new TextEncoder().encode(text);
    this.uint64(encoded.byteLength);
    this.bytes(encoded);
  }
  padTo(multiple) {
    const padding = (multiple - (this.length % multiple)) % multiple;
    if (padding > 0) this.bytes(new Uint8Array(padding));
  }
  concat() {
    const output = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      output.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return output;
  }
}

function buildGguf() {
  const vocabulary = buildVocabulary();
  const tensors = buildTensors(vocabulary.length);
  const h = hyperparameters;
  const metadata = [
    ['general.architecture', 'string', 'llama'],
    ['general.name', 'string', 'tiny-random-llama'],
    ['general.description', 'string', 'Random weights for tests; its output is noise.'],
    ['general.file_type', 'uint32', 0],
    ['general.alignment', 'uint32', alignment],
    ['llama.context_length', 'uint32', h.contextLength],
    ['llama.embedding_length', 'uint32', h.embeddingLength],
    ['llama.block_count', 'uint32', h.blockCount],
    ['llama.feed_forward_length', 'uint32', h.feedForwardLength],
    ['llama.attention.head_count', 'uint32', h.headCount],
    ['llama.attention.head_count_kv', 'uint32', h.headCountKv],
    ['llama.attention.layer_norm_rms_epsilon', 'float32', h.rmsEpsilon],
    ['llama.rope.dimension_count', 'uint32', h.embeddingLength / h.headCount],
    ['llama.rope.freq_base', 'float32', h.ropeFreqBase],
    ['llama.vocab_size', 'uint32', vocabulary.length],
    ['tokenizer.ggml.model', 'string', 'llama'],
    ['tokenizer.ggml.tokens', 'string[]', vocabulary.map((token) => token.text)],
    ['tokenizer.ggml.scores', 'float32[]', vocabulary.map((token) => token.score)],
    ['tokenizer.ggml.token_type', 'int32[]', vocabulary.map((token) => token.type)],
    ['tokenizer.ggml.bos_token_id', 'uint32', 1],
    ['tokenizer.ggml.eos_token_id', 'uint32', 2],
    ['tokenizer.ggml.unknown_token_id', 'uint32', 0],
    ['tokenizer.ggml.add_bos_token', 'bool', true],
    ['tokenizer.ggml.add_eos_token', 'bool', false],
  ];

  const writer = new ByteWriter();
  writer.bytes(new TextEncoder().encode('GGUF'));
  writer.uint32(3);
  writer.uint64(tensors.length);
  writer.uint64(metadata.length);
  for (const [key, type, value] of metadata) {
    writer.string(key);
    if (type.endsWith('[]')) {
      const itemType = type.slice(0, -2);
      writer.uint32(GgufType.array);
      writer.uint32(GgufType[itemType]);
      writer.uint64(value.length);
      for (const item of value) writer[itemType](item);
    } else {
      writer.uint32(GgufType[type]);
      writer[type](value);
    }
  }
  let dataOffset = 0;
  const offsets = tensors.map((tensor) => {
    const offset = dataOffset;
    dataOffset += tensor.data.byteLength;
    dataOffset += (alignment - (dataOffset % alignment)) % alignment;
    return offset;
  });
  tensors.forEach((tensor, index) => {
    writer.string(tensor.name);
    writer.uint32(tensor.dimensions.length);
    for (const size of tensor.dimensions) writer.uint64(size);
    writer.uint32(ggmlTypeF32);
    writer.uint64(offsets[index]);
  });
  writer.padTo(alignment);
  for (const tensor of tensors) {
    writer.bytes(new Uint8Array(tensor.data.buffer));
    writer.padTo(alignment);
  }
  return { bytes: writer.concat(), tensorCount: tensors.length, vocabularySize: vocabulary.length };
}

const { bytes, tensorCount, vocabularySize } = buildGguf();
const unchanged = existsSync(outputPath) && Buffer.compare(readFileSync(outputPath), Buffer.from(bytes)) === 0;
if (unchanged) {
  console.log(`${outputPath} is up to date (${bytes.byteLength} bytes).`);
} else {
  mkdirSync(dirname(outputPath), { recursive: true });
  // Write then rename, so a parallel reader (a dev server) never sees half a file.
  const temporaryPath = `${outputPath}.${process.pid}.tmp`;
  writeFileSync(temporaryPath, bytes);
  renameSync(temporaryPath, outputPath);
  console.log(`Wrote ${outputPath}: ${bytes.byteLength} bytes, ${tensorCount} tensors, ${vocabularySize} tokens.`);
}
