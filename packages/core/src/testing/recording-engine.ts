import type { Engine, GenerateDelta, GenerateRequest, GenerateResult } from '@hearth/engine';

/** Wraps a real engine and records every request: tests assert what crossed the engine boundary. */
export class RecordingEngine implements Engine {
  readonly requests: GenerateRequest[] = [];
  constructor(private readonly inner: Engine) {}
  get info() {
    return this.inner.info;
  }
  generate(request: GenerateRequest): Promise<GenerateResult> {
    this.requests.push(request);
    return this.inner.generate(request);
  }
  stream(request: GenerateRequest): AsyncIterable<GenerateDelta> {
    this.requests.push(request);
    return this.inner.stream(request);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
