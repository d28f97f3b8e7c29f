// Types for bin/build-server.mjs (the server bundle builder), for the bench and tests that start the built server.
export declare const serverBundle: string;
export declare function buildServer(): Promise<string>;
export declare function cliBundle(): Promise<string>;
