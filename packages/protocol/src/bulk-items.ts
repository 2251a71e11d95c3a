// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type TSchema } from '@sinclair/typebox';
import { CreateSpanParams, FinishSpanBody, SpanIdParams } from './agent-span.js';
import { FinishInstanceBody, InstanceIdParams, RegisterInstanceBody, StartInstanceBody } from './agent-instance.js';
import type { BulkItemType } from './bulk.js';

/** The flat params each bulk item type carries beside `_type` and `idempotency_key`. */
export const BULK_ITEM_PARAMS: Record<BulkItemType, TSchema> = {
  'agent_instances/register': RegisterInstanceBody,
  'agent_instances/start': Type.Object({ ...InstanceIdParams.properties, ...StartInstanceBody.properties }),
  'agent_instances/finish': Type.Object({ ...InstanceIdParams.properties, ...FinishInstanceBody.properties }),
  'agent_spans/create': CreateSpanParams,
  'agent_spans/finish': Type.Object({ ...SpanIdParams.properties, ...FinishSpanBody.properties }),
};
