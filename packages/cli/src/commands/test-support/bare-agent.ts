// The smallest run target, for `hearth run` tests that fail before the run starts (bad --model).
import { defineAgent } from '@hearth/core';

export default defineAgent({ name: 'bare', instructions: 'Answer in one word.' });
