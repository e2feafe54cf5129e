import { serveCommands } from "./command-server.js";
import { HeldStreams, type HeldStreamsArgs } from "./load/held-streams.js";
import { RequestSeries, type RequestLoadArgs } from "./load/request-load.js";
import {
  GapSeries,
  runStreamLoad,
  type StreamLoadArgs,
} from "./load/stream-load.js";
import { loadAgent } from "./load/target.js";
import { chatRequestBody, generateRequestBody } from "./ollama-bodies.js";

/**
 * The load generator, alone in its process so that the time it spends
 * sending and reading never lands on the event loop it measures.
 */

const chatBody = chatRequestBody();
const generateBody = generateRequestBody();
const held = new HeldStreams();
const requestSeries = new Map<string, RequestSeries>();
const gapSeries = new GapSeries();

function runRequestRound(args: RequestLoadArgs): Promise<void> {
  let series = requestSeries.get(args.series);
  if (!series) {
    series = new RequestSeries();
    requestSeries.set(args.series, series);
  }
  return series.runRound(args, chatBody);
}

function runStreams(args: StreamLoadArgs) {
  const name = args.gapSeries;
  if (name === undefined) return runStreamLoad(args, generateBody);
  return runStreamLoad(args, generateBody, (gaps) => gapSeries.add(name, gaps));
}

/** Returns the summary of a series and deletes the series. */
function takeRequestResult(name: string) {
  const series = requestSeries.get(name);
  if (!series)
    throw new Error(
      `no request series "${name}"; send requests with that series first`,
    );
  requestSeries.delete(name);
  return series.result();
}

serveCommands(
  {
    requests: (args) => runRequestRound(args as RequestLoadArgs),
    "request-results": (args) =>
      takeRequestResult((args as { series: string }).series),
    streams: (args) => runStreams(args as StreamLoadArgs),
    "gap-results": (args) =>
      gapSeries.take((args as { series: string }).series),
    "open-held": (args) => held.open(args as HeldStreamsArgs, generateBody),
    "finish-held": () => held.finish(),
  },
  () => loadAgent.destroy(),
);
