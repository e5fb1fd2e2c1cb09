/**
 * A queued-run fixture for media: it digests its attachments, then calls `echo_image`, whose result
 * is the first attachment as an image (tool media, recorded in the ledger by hash), and digests that.
 */
import { createHash } from 'node:crypto';
import { attachmentSchema, defineTool, defineWorkflow, END, imageResult, START } from '@hearth/core';
import { z } from 'zod';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const echoImage = defineTool({
  name: 'echo_image',
  description: 'Returns the given bytes as an image',
  input: z.object({ base64: z.string() }),
  run: ({ base64 }) => imageResult(new Uint8Array(Buffer.from(base64, 'base64')), 'image/png'),
});

export default defineWorkflow({
  name: 'media-digest',
  description: 'digests attachments and a tool image',
  tools: [echoImage],
  state: z.object({
    attachments: z.array(attachmentSchema).min(1),
    inputDigests: z.array(z.string()).default([]),
    toolDigest: z.string().default(''),
  }),
  nodes: {
    digest: {
      run: async (state, context) => {
        const first = state.attachments[0]?.bytes as Uint8Array;
        const outcome = await context.callTool('echo_image', {
          base64: Buffer.from(first).toString('base64'),
        });
        return {
          inputDigests: state.attachments.map((attachment) => sha256(attachment.bytes)),
          toolDigest: sha256(outcome.media[0]?.bytes ?? new Uint8Array()),
        };
      },
    },
  },
  edges: [
    { from: START, to: 'digest' },
    { from: 'digest', to: END },
  ],
});
