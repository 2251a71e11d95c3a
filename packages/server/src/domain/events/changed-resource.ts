/** The resource a write changed, as SSE clients receive it: its JSON text. Operations hand it over; the events stream sends it. */
export interface ChangedResource {
  instanceId: string;
  /** The span's or the instance's id. */
  resourceId: string;
  json: string;
  /** A span's JSON without `payload` and `result_payload` (what `include_payloads=false` streams), made when first asked for; absent for instances. */
  outline?: () => string;
}
