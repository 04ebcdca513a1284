// Electron preload (sandboxed, context-isolated): exposes `window.trm`, one named function per channel of the
// map in contract.ts plus onEvent. Never exposes ipcRenderer itself. Bundled to CommonJS by bin/start.mjs,
// because a sandboxed preload cannot load modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildBridge, EVENT_CHANNEL, EXPOSED_API_NAME, type ApiResult, type BridgedApi, type WorkbenchEvent } from './contract.ts';

const bridge: BridgedApi = {
  ...buildBridge((channel, payload) => ipcRenderer.invoke(channel, payload) as Promise<ApiResult<unknown>>),
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, event: WorkbenchEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => { ipcRenderer.removeListener(EVENT_CHANNEL, forward); };
  },
};

contextBridge.exposeInMainWorld(EXPOSED_API_NAME, bridge);
