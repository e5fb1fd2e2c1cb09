// A workflow for the `hearth run --input` media test: it reports the SHA-256 and size of the image it
// was given, so the test can check the bytes that reached the run are the ones it sent as base64.
import { createHash } from 'node:crypto';
import { attachmentSchema, defineWorkflow, END, START } from '@hearth/core';
import { z } from 'zod';

export default defineWorkflow({
  name: 'attachment-digest',
  description: 'digests an attached image',
  model: 'tiny',
  state: z.object({
    attachments: z.array(attachmentSchema).min(1),
    digests: z.array(z.object({ sha256: z.string(), size: z.number(), mimeType: z.string() })).default([]),
  }),
  nodes: {
    digest: {
      run: (state) => ({
        digests: state.attachments.map((attachment) => ({
          sha256: createHash('sha256').update(attachment.bytes).digest('hex'),
          size: attachment.bytes.byteLength,
          mimeType: attachment.mimeType,
        })),
      }),
    },
  },
  edges: [
    { from: START, to: 'digest' },
    { from: 'digest', to: END },
  ],
});
