/** A real pino logger with the project's settings (secret redaction, email masking), writing to memory. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logger';

export interface CapturingLogger {
  logger: Logger;
  /** Every line written, one JSON object each. */
  lines: string[];
  /** Everything written, as one text. */
  text(): string;
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', stream), lines, text: () => lines.join('') };
}
