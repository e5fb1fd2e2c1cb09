// A program that starts the native engine on the model in argv[2], prints "ready" and waits to be
// killed: the orphan test SIGKILLs it and checks its llama-server goes too.
import { NativeEngine } from '../native-engine.js';

const model = process.argv[2];
if (!model) throw new Error('usage: hold-native-engine.ts <model.gguf>');
await NativeEngine.start({ model, threads: 1 });
process.stdout.write('ready\n');
setInterval(() => {}, 1 << 30);
