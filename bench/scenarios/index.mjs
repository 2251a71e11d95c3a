// Every scenario, in the order a run takes them.
import activity from './activity.mjs';
import analytics from './analytics.mjs';
import bulk from './bulk.mjs';
import client from './client.mjs';
import clientBrowserBundle from './client-browser-bundle.mjs';
import integrations from './integrations.mjs';
import offsetPaging from './offset-paging.mjs';
import otlp from './otlp.mjs';
import pfid from './pfid.mjs';
import postgresSpans from './postgres-spans.mjs';
import retention from './retention.mjs';
import riskScores from './risk-scores.mjs';
import transfer from './transfer.mjs';
import serverSpans from './server-spans.mjs';
import seeAndSteer from './see-and-steer.mjs';
import storedSpans from './stored-spans.mjs';
import tracer from './tracer.mjs';
import viewerBundle from './viewer-bundle.mjs';
import beforeBuild from './before-build.mjs';
import beforeRollups from './before-rollups.mjs';

export const SCENARIOS = [
  serverSpans,
  pfid,
  bulk,
  otlp,
  client,
  postgresSpans,
  storedSpans,
  offsetPaging,
  riskScores,
  activity,
  analytics,
  seeAndSteer,
  tracer,
  integrations,
  clientBrowserBundle,
  viewerBundle,
  retention,
  transfer,
  beforeBuild,
  beforeRollups,
];
