import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Protobuf from 'protobufjs';

/** The vendored `.proto` files: `proto/` beside `src/` and `dist/` in the package. */
const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));

function loadOtlpTypes() {
  const protobuf = createRequire(import.meta.url)('protobufjs') as typeof Protobuf;
  const root = new protobuf.Root();
  // Imports name files from the root of the proto tree (`opentelemetry/proto/common/v1/common.proto`).
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : PROTO_ROOT + target);
  root.loadSync(['opentelemetry/proto/collector/trace/v1/trace_service.proto', 'google/rpc/status.proto'], { keepCase: false });
  return {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    status: root.lookupType('google.rpc.Status'),
  };
}

let loaded: ReturnType<typeof loadOtlpTypes> | undefined;

/**
 * The OTLP trace service messages and `google.rpc.Status`, from the official definitions: loaded on
 * the first protobuf export, so a server that never gets one does not hold protobufjs and its types.
 */
export const otlpTypes = () => (loaded ??= loadOtlpTypes());
