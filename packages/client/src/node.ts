// Node entry point (chosen by the package's "node" export condition): the same API, with a
// pooled keep-alive undici transport as the default instead of the global fetch.
import { PrefactorHttpClient as PortableHttpClient } from './client.js';
import type { ResolvedConfig } from './config.js';
import type { Transport } from './transport/transport.js';
import { UndiciTransport } from './transport/undici-transport.js';

export * from './index.js';
export { UndiciTransport, type UndiciTransportOptions } from './transport/undici-transport.js';

export class PrefactorHttpClient extends PortableHttpClient {
  protected static override defaultTransport(config: ResolvedConfig): Transport {
    return config.fetch === undefined ? new UndiciTransport({ connectTimeout: config.connectTimeout }) : super.defaultTransport(config);
  }
}
