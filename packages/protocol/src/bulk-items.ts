import { Type, type TSchema } from '@sinclair/typebox';
import { CreateSpanParams, FinishSpanBody, SpanIdParams } from './agent-span.js';
import { FinishInstanceBody, InstanceIdParams, RegisterInstanceBody, StartInstanceBody } from './agent-instance.js';
import type { BulkItemType } from './bulk.js';

/** The flat params each bulk item type carries beside `_type` and `idempotency_key`. */
export const BULK_ITEM_PARAMS: Record<BulkItemType, TSchema> = {
  'agent_instances/register': RegisterInstanceBody,
  'agent_instances/start': Type.Composite([InstanceIdParams, StartInstanceBody]),
  'agent_instances/finish': Type.Composite([InstanceIdParams, FinishInstanceBody]),
  'agent_spans/create': CreateSpanParams,
  'agent_spans/finish': Type.Composite([SpanIdParams, FinishSpanBody]),
};
