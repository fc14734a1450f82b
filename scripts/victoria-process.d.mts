// Types for victoria-process.mjs, which the TypeScript test helpers import.

export declare const VICTORIA_BINARY: string;
export declare const VMAUTH_BINARY: string;

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export declare function freePort(): Promise<number>;
export declare function startServer(
  binary: string,
  args?: readonly string[],
): Promise<ServerProcess>;
export declare function startVictoriaServer(extraArgs?: readonly string[]): Promise<ServerProcess>;
