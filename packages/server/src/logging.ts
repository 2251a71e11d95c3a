import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `auto` is pretty for a person at a terminal, JSON for whatever reads a pipe or a file. */
export const prettyLogs = (format: LogFormat, isTTY: boolean | undefined) => format === 'pretty' || (format === 'auto' && isTTY === true);

/**
 * The server's logger on stdout: JSON lines (one object a line, for log shippers), or pino's pretty
 * printer, each request's lines led by its request id.
 */
export function serverLogger(level: string, format: LogFormat): Logger {
  if (!prettyLogs(format, process.stdout.isTTY)) return pino({ level });
  // Loaded only for a person at a terminal: a server logging JSON never holds the pretty printer.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pino(
    { level },
    pretty({
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,request_id',
      messageFormat: '{if request_id}[{request_id}] {end}{msg}',
      sync: true,
    }),
  );
}
