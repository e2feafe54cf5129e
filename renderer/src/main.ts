// Entry point of the dashboard page: picks the transport, draws the first
// snapshot and then every pushed one.
import { Dashboard } from "./dashboard.js";
import { pickTransport } from "./transport.js";

async function start(): Promise<void> {
  const transport = pickTransport();
  const dashboard = new Dashboard(transport);

  // Set while the first read failed, so the first pushed snapshot clears its message.
  let unreachable = false;

  transport.subscribe(
    (snapshot) => {
      dashboard.render(snapshot);
      if (unreachable) dashboard.showError(null);
      unreachable = false;
    },
    (state) => dashboard.showConnection(state),
  );

  try {
    const [snapshot] = await Promise.all([
      transport.getSnapshot(),
      dashboard.settings.refresh(),
    ]);
    dashboard.render(snapshot);
  } catch (error) {
    unreachable = true;
    dashboard.showError(
      `Could not reach Tokentap: ${(error as Error).message}`,
    );
  }
}

void start();
