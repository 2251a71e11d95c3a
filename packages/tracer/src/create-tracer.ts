import { PrefactorClientError } from '@agentspan/client';
import { resolveTracerOptions, TracerConfigError, type TracerOptions } from './options.js';
import { Tracer, type TracerRuntime } from './tracer.js';

/** Checks the options (an error names the option and what to do) and makes a tracer for `runtime`. */
export function tracerFor(runtime: TracerRuntime, options: TracerOptions): Tracer {
  const resolved = resolveTracerOptions(options);
  try {
    return new Tracer(resolved, runtime);
  } catch (error) {
    // The client checks apiUrl and apiToken; its message names the option.
    if (error instanceof PrefactorClientError)
      throw new TracerConfigError(`createTracer: ${error.message.replace(/^Invalid PrefactorHttpClient config: /, '')}`);
    throw error;
  }
}
