// Types for bin/build-server.mjs (the server bundle builder), for the bench and tests that start the built server.
export declare const buildDir: string;
export declare const serverBundle: string;
export declare const manifestFile: string;
export declare const clientIndex: string;
export declare function buildServer(): Promise<string>;
export declare function cliBundle(): Promise<string>;
export declare function clientIsStale(): boolean;
export declare function buildClient(): void;
