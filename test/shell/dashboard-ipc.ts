import { join } from "node:path";

import { silentLogger } from "../../main/core/log.js";
import { Tokentap } from "../../main/core/tokentap.js";
import { registerIpc, type IpcRegistration } from "../../main/shell/ipc.js";
import { SettingsStore } from "../../main/shell/settings-store.js";
import { DashboardWindow } from "../../main/shell/window.js";
import {
  app,
  FakeBrowserWindow,
  resetElectronDouble,
  type FakeWebContents,
} from "../support/electron-double.js";
import { FakeUpstream } from "../support/fake-upstream.js";
import { makeTempDir } from "./temp-dirs.js";

/** A running core with the dashboard window shown and the IPC handlers registered for it. */
export interface DashboardIpc {
  /** The temporary folder that contains the app's files and settings. */
  userDataPath: string;
  upstream: FakeUpstream;
  tokentap: Tokentap;
  window: DashboardWindow;
  ipc: IpcRegistration;
  /** The web contents of the window's fake `BrowserWindow`. */
  contents: FakeWebContents;
  /** Unregisters the handlers and stops the core, the upstream and the temporary folder. */
  stop(): Promise<void>;
}

/**
 * Starts a fake upstream and a core in front of it. Then opens the dashboard
 * window with its files and settings in a new temporary folder named after
 * `prefix`, registers the IPC handlers and shows the window, as the desktop
 * shell does.
 */
export async function startDashboardIpc(prefix: string): Promise<DashboardIpc> {
  resetElectronDouble();
  const userData = await makeTempDir(prefix);
  app.setPath("userData", userData.path);

  const upstream = await new FakeUpstream().start();
  const tokentap = new Tokentap({
    settings: { listen: "127.0.0.1:0", upstream: upstream.url.origin },
    dataDir: null,
    logger: silentLogger,
  });
  await tokentap.start();

  const window = new DashboardWindow({
    preloadPath: join(userData.path, "preload.cjs"),
    htmlPath: join(userData.path, "index.html"),
    iconPath: join(userData.path, "icon.png"),
    logger: silentLogger,
  });
  const ipc = registerIpc({
    window,
    tokentap,
    settings: SettingsStore.open({ cwd: userData.path, logger: silentLogger }),
    dataDir: userData.path,
    logger: silentLogger,
  });
  window.show();

  return {
    userDataPath: userData.path,
    upstream,
    tokentap,
    window,
    ipc,
    contents: FakeBrowserWindow.instances[0]!.webContents,
    stop: async () => {
      ipc.dispose();
      await tokentap.stop(1000);
      await upstream.stop();
      await userData.remove();
    },
  };
}
