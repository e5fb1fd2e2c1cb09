import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { encodePng, encodeWav } from '@hearth/testkit';

/**
 * The requests that killed the model host in the attack run (issue 10, items 4 and 5), plus more of
 * the same kinds: each is refused before llama.cpp is at risk, naming what is wrong. Shared by the
 * model-host test and the `hearth serve` test, so both face the same list.
 */
export interface SchemaAttack {
  name: string;
  schema: Record<string, unknown>;
  refusal: RegExp;
}

export interface MediaAttack {
  name: string;
  kind: 'image' | 'audio';
  /** The format a client would claim (OpenAI's `input_audio.format`, a data URL's MIME type). */
  format: 'png' | 'jpeg' | 'webp' | 'wav' | 'mp3';
  bytes: Buffer;
  refusal: RegExp;
}

export const schemaAttacks: SchemaAttack[] = [
  {
    name: '$ref "#" (the schema inside itself)',
    schema: { type: 'object', properties: { next: { $ref: '#' } }, required: ['next'] },
    refusal: /properties\.next\.\$ref: \$ref "#" is not supported/,
  },
  {
    name: 'pattern "(a+)+$"',
    schema: { type: 'object', properties: { s: { type: 'string', pattern: '(a+)+$' } }, required: ['s'] },
    refusal: /properties\.s\.pattern: pattern "\(a\+\)\+\$" must be anchored/,
  },
  {
    name: 'anchored "^(a+)+$"',
    schema: { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } }, required: ['s'] },
    refusal: /repeats a group whose own repetitions can overlap/,
  },
  {
    name: 'minLength 1000000',
    schema: { type: 'object', properties: { s: { type: 'string', minLength: 1_000_000 } }, required: ['s'] },
    refusal: /properties\.s\.minLength: minLength is 1000000; at most 500/,
  },
  {
    name: 'minimum 1e300',
    schema: { type: 'object', properties: { n: { type: 'integer', minimum: 1e300 } }, required: ['n'] },
    refusal: /properties\.n\.minimum: minimum is 1e\+300/,
  },
  {
    name: 'recursive $defs',
    schema: {
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
      $ref: '#/$defs/node',
    },
    refusal: /\$ref "#\/\$defs\/node" is recursive/,
  },
  {
    name: 'maxItems 1e9',
    schema: { type: 'array', items: { type: 'string' }, maxItems: 1e9 },
    refusal: /maxItems is 1000000000; at most 2000/,
  },
  {
    name: '40 levels of nesting',
    schema: Array.from({ length: 40 }).reduce<Record<string, unknown>>(
      (inner) => ({ type: 'array', items: inner }),
      {
        type: 'string',
      },
    ),
    refusal: /nests deeper than 24 levels/,
  },
];

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  let crc = 0xffffffff;
  for (const byte of Buffer.concat([head.subarray(4), data])) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return Buffer.concat([head, data, tail]);
}

/** A PNG whose chunks are all well formed (lengths, CRCs, IEND) around `idat`, claiming width x height. */
function pngAround(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A baseline JPEG around `scan`: quantisation and (degenerate) Huffman tables, one component. */
function jpegAround(width: number, height: number, scan: Buffer): Buffer {
  const table = (id: number) => Buffer.concat([Buffer.from([0xff, 0xc4, 0, 20, id, 1]), Buffer.alloc(16)]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    Buffer.concat([Buffer.from([0xff, 0xdb, 0, 67, 0]), Buffer.alloc(64, 1)]),
    Buffer.from([0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]),
    table(0x00),
    table(0x10),
    Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0]),
    scan,
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A valid picture: the base the media attacks damage. */
export function innocentPng(): Buffer {
  const width = 96;
  const height = 64;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37) % 251;
  return encodePng({ width, height, rgba });
}

function wavWithRate(claimedRate: number, seconds: number): Buffer {
  const wav = encodeWav({ sampleRate: 16000, samples: new Float32Array(16000 * seconds) });
  wav.writeUInt32LE(claimedRate, 24);
  wav.writeUInt32LE(claimedRate * 2, 28);
  return wav;
}

export function mediaAttacks(): MediaAttack[] {
  const png = innocentPng();
  const rawRows = Buffer.alloc((96 * 3 + 1) * 64, 0x40);
  const deflated = deflateSync(rawRows);
  // Damage the compressed stream in the middle, then rebuild the chunk so its CRC is right again.
  const damaged = Buffer.from(deflated);
  damaged.fill(0xff, 2, Math.min(damaged.length - 4, 40));
  return [
    {
      name: 'a truncated PNG',
      kind: 'image',
      format: 'png',
      bytes: png.subarray(0, png.length >> 1),
      refusal: /PNG is truncated/,
    },
    {
      name: 'garbage after a PNG header',
      kind: 'image',
      format: 'png',
      bytes: Buffer.concat([png.subarray(0, 40), randomBytes(4000)]),
      refusal: /PNG (is truncated|chunk .* (bad CRC|invalid type))/,
    },
    {
      name: 'a huge IHDR (100000 x 100000)',
      kind: 'image',
      format: 'png',
      bytes: pngAround(100_000, 100_000, deflated),
      refusal: /100000x100000 pixels; the largest side accepted is 8192/,
    },
    {
      name: 'a well-formed PNG whose compressed data is damaged',
      kind: 'image',
      format: 'png',
      bytes: pngAround(96, 64, damaged),
      refusal: /llama\.cpp could not decode the media in this request/,
    },
    {
      name: 'a JPEG whose scan data is garbage',
      kind: 'image',
      format: 'jpeg',
      bytes: jpegAround(64, 64, Buffer.alloc(5000, 0x5a)),
      refusal: /llama\.cpp could not decode the media in this request/,
    },
    {
      name: 'a JPEG frame header claiming 65000 x 65000',
      kind: 'image',
      format: 'jpeg',
      bytes: jpegAround(65000, 65000, Buffer.alloc(100, 0x11)),
      refusal: /65000x65000 pixels; the largest side accepted is 8192/,
    },
    {
      name: 'WebP (not decoded by llama.cpp)',
      kind: 'image',
      format: 'webp',
      bytes: Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'), randomBytes(64)]),
      refusal: /is WebP, which Hearth's engines do not decode/,
    },
    {
      name: 'a 30-byte WAV',
      kind: 'audio',
      format: 'wav',
      bytes: encodeWav({ sampleRate: 16000, samples: new Float32Array(16000) }).subarray(0, 30),
      refusal: /WAV is truncated/,
    },
    {
      name: 'a WAV header claiming 1 Hz (64 KB)',
      kind: 'audio',
      format: 'wav',
      bytes: wavWithRate(1, 2),
      refusal: /WAV sample rate is 1 Hz; 8000-48000 Hz is accepted/,
    },
    {
      name: 'a WAV whose data chunk claims more than the file holds',
      kind: 'audio',
      format: 'wav',
      bytes: encodeWav({ sampleRate: 16000, samples: new Float32Array(16000) }).subarray(0, 3000),
      refusal: /WAV is truncated: its data chunk claims 32000 bytes/,
    },
    {
      name: 'one valid MP3 frame followed by garbage',
      kind: 'audio',
      format: 'mp3',
      bytes: Buffer.concat([
        Buffer.from([0xff, 0xfb, 0x90, 0x64]),
        Buffer.alloc(413),
        Buffer.alloc(3000, 0x41),
      ]),
      refusal: /MP3 has .* at byte 417/,
    },
    {
      name: '0xFF bytes sent as mp3',
      kind: 'audio',
      format: 'mp3',
      bytes: Buffer.alloc(8192, 0xff),
      refusal: /MP3 has a (free or invalid bitrate|reserved)/,
    },
    {
      name: 'a PNG sent as audio',
      kind: 'audio',
      format: 'wav',
      bytes: png,
      refusal: /is not audio \(it looks like PNG image\)/,
    },
  ];
}
