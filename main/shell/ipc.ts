import {
  ipcMain,
  shell,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
} from "electron";

import type { Logger } from "../core/log.js";
import type { Snapshot } from "../core/snapshot/snapshot.js";
import type { Tokentap } from "../core/tokentap.js";
import {
  IPC_CHANNELS,
  type IpcInvokeMap,
} from "../../preload/ipc-contract.cjs";
import { isAppUrl } from "./navigation.js";
import type { SettingsStore } from "./settings-store.js";
import { SnapshotFeed, type SnapshotSource } from "./snapshot-feed.js";
import type { DashboardWindow } from "./window.js";

type InvokeChannel = keyof IpcInvokeMap;

/** A handler of one invoke channel; arguments come from the page and are checked by the handler. */
type InvokeHandler<Channel extends InvokeChannel> = (
  ...args: unknown[]
) => IpcInvokeMap[Channel]["result"] | Promise<IpcInvokeMap[Channel]["result"]>;

/** The window the IPC talks to. */
export type IpcWindow = Pick<
  DashboardWindow,
  "appUrl" | "webContents" | "isVisible" | "onVisibilityChange" | "onPageReset"
>;

export interface IpcOptions {
  window: IpcWindow;
  tokentap: Pick<
    Tokentap,
    | "snapshot"
    | "setProxyEnabled"
    | "proxyEnabled"
    | "currentSettings"
    | "updateSettings"
  > &
    SnapshotSource;
  settings: Pick<SettingsStore, "update">;
  /** Folder `openDataFolder` shows, the app's `userData` folder. */
  dataDir: string;
  logger: Logger;
}

/** The registered IPC, to take down at quit. */
export interface IpcRegistration {
  feed: SnapshotFeed;
  dispose(): void;
}

/**
 * Registers a handler for every invoke channel of the IPC contract and the
 * renderer's ready signal, and pushes snapshots to the window through a
 * `SnapshotFeed`. Every message from a sender other than the app's window
 * showing the app's page is rejected and logged.
 */
export function registerIpc(options: IpcOptions): IpcRegistration {
  const { window, tokentap, logger } = options;

  const feed = new SnapshotFeed(tokentap, (snapshot: Snapshot) =>
    window.webContents?.send(IPC_CHANNELS.snapshot, snapshot),
  );
  feed.setVisible(window.isVisible);
  const stopVisibility = window.onVisibilityChange((visible) =>
    feed.setVisible(visible),
  );
  const stopPageReset = window.onPageReset(() => feed.setReady(false));

  const handlers: { [Channel in InvokeChannel]: InvokeHandler<Channel> } = {
    [IPC_CHANNELS.getSnapshot]: () => tokentap.snapshot(),
    [IPC_CHANNELS.setProxyEnabled]: (enabled) => {
      if (typeof enabled !== "boolean") {
        throw new TypeError(
          `${IPC_CHANNELS.setProxyEnabled} takes true or false, not ${JSON.stringify(enabled)}`,
        );
      }
      tokentap.setProxyEnabled(enabled);
      return tokentap.proxyEnabled;
    },
    [IPC_CHANNELS.getSettings]: () => tokentap.currentSettings(),
    [IPC_CHANNELS.updateSettings]: (patch) =>
      options.settings.update(tokentap, patch),
    [IPC_CHANNELS.openDataFolder]: () => openFolder(options.dataDir, logger),
  };

  const channels = Object.keys(handlers) as InvokeChannel[];
  for (const channel of channels) {
    handleFromApp(options, channel, handlers[channel]);
  }

  const onReady = (event: IpcMainEvent) => {
    if (!isFromApp(options, event, IPC_CHANNELS.rendererReady)) return;
    feed.setReady(true);
  };
  ipcMain.on(IPC_CHANNELS.rendererReady, onReady);

  return {
    feed,
    dispose() {
      for (const channel of channels) ipcMain.removeHandler(channel);
      ipcMain.removeListener(IPC_CHANNELS.rendererReady, onReady);
      stopVisibility();
      stopPageReset();
      feed.close();
    },
  };
}

/** Registers an invoke handler that checks the sender of each call first; every channel goes through here. */
function handleFromApp<Channel extends InvokeChannel>(
  options: IpcOptions,
  channel: Channel,
  handler: InvokeHandler<Channel>,
): void {
  ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    if (!isFromApp(options, event, channel)) {
      throw new Error(
        `IPC call ${channel} rejected: it did not come from the Tokentap window`,
      );
    }
    return handler(...args);
  });
}

/**
 * Checks whether a message came from the app's window while it shows the app's
 * page; logs the rejection when it did not.
 */
function isFromApp(
  options: IpcOptions,
  event: IpcMainEvent | IpcMainInvokeEvent,
  channel: string,
): boolean {
  const contents = options.window.webContents;
  const frameUrl = event.senderFrame?.url ?? null;
  const accepted =
    contents !== null &&
    event.sender === contents &&
    frameUrl !== null &&
    isAppUrl(frameUrl, options.window.appUrl);

  if (!accepted) {
    options.logger.warn("IPC message rejected from an unknown sender", {
      channel,
      senderId: event.sender.id,
      frameUrl,
    });
  }
  return accepted;
}

async function openFolder(path: string, logger: Logger): Promise<void> {
  // shell.openPath resolves with an error message, or "" when it worked.
  const failure = await shell.openPath(path);
  if (failure === "") return;

  logger.warn("could not open the data folder", { path, error: failure });
  throw new Error(
    `could not open the data folder ${path}: ${failure}; open it in the file manager yourself`,
  );
}
