// Every scenario, in the order a run takes them.
import bulk from './bulk.mjs';
import client from './client.mjs';
import listing from './listing.mjs';
import postgresSpans from './postgres-spans.mjs';
import serverMemory from './server-memory.mjs';
import serverSpans from './server-spans.mjs';

export const SCENARIOS = [serverSpans, bulk, client, listing, postgresSpans, serverMemory];
