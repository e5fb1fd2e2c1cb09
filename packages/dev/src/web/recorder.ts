// Recording a voice note in the page as a 16 kHz mono WAV: a format every Hearth engine reads (the
// browser's own MediaRecorder gives WebM/Opus, which the media checks refuse).

const TARGET_RATE = 16_000;

/** 16-bit PCM WAV of the samples, resampled (linear interpolation) from `rate` to 16 kHz. */
function encodeWav(chunks: Float32Array[], rate: number): ArrayBuffer {
  const input = new Float32Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    input.set(chunk, offset);
    offset += chunk.length;
  }
  const length = Math.floor((input.length * TARGET_RATE) / rate);
  const buffer = new ArrayBuffer(44 + length * 2);
  const view = new DataView(buffer);
  const text = (at: number, value: string) => {
    for (let i = 0; i < value.length; i++) view.setUint8(at + i, value.charCodeAt(i));
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, TARGET_RATE, true);
  view.setUint32(28, TARGET_RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, length * 2, true);
  for (let i = 0; i < length; i++) {
    const position = (i * rate) / TARGET_RATE;
    const before = Math.floor(position);
    const after = Math.min(before + 1, input.length - 1);
    const sample = (input[before] ?? 0) + ((input[after] ?? 0) - (input[before] ?? 0)) * (position - before);
    view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, sample)) * 0x7fff, true);
  }
  return buffer;
}

/** Starts recording from the microphone (the browser asks the user); `stop` gives the WAV file. */
export async function startRecording(): Promise<{ stop(): Promise<File> }> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const context = new AudioContext();
  const source = context.createMediaStreamSource(stream);
  // ScriptProcessorNode: deprecated, but it needs no worklet module (which the page's CSP would have to allow).
  const processor = context.createScriptProcessor(4096, 1, 1);
  const chunks: Float32Array[] = [];
  processor.onaudioprocess = (event) => chunks.push(new Float32Array(event.inputBuffer.getChannelData(0)));
  source.connect(processor);
  processor.connect(context.destination);
  return {
    async stop() {
      processor.disconnect();
      source.disconnect();
      for (const track of stream.getTracks()) track.stop();
      const rate = context.sampleRate;
      await context.close();
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return new File([encodeWav(chunks, rate)], `recording-${stamp}.wav`, { type: 'audio/wav' });
    },
  };
}
