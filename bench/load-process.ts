import { serveCommands } from "./command-server.js";
import { HeldStreams, type HeldStreamsArgs } from "./load/held-streams.js";
import { runRequestLoad, type RequestLoadArgs } from "./load/request-load.js";
import { runStreamLoad, type StreamLoadArgs } from "./load/stream-load.js";
import { loadAgent } from "./load/target.js";
import { chatRequestBody, generateRequestBody } from "./ollama-bodies.js";

/**
 * The load generator, alone in its process so that the time it spends
 * sending and reading never lands on the event loop it measures.
 */

const chatBody = chatRequestBody();
const generateBody = generateRequestBody();
const held = new HeldStreams();

serveCommands(
  {
    requests: (args) => runRequestLoad(args as RequestLoadArgs, chatBody),
    streams: (args) => runStreamLoad(args as StreamLoadArgs, generateBody),
    "open-held": (args) => held.open(args as HeldStreamsArgs, generateBody),
    "finish-held": () => held.finish(),
  },
  () => loadAgent.destroy(),
);
