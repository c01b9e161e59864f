/**
 * `npm start` runs against the sandbox. Imported first by src/dev.ts, before anything reads the config,
 * this turns SWITCHBOARD_SANDBOX on unless the environment already says (SWITCHBOARD_SANDBOX=false npm
 * start runs the same processes against real systems, with real credentials).
 */
if (!process.env.SWITCHBOARD_SANDBOX) process.env.SWITCHBOARD_SANDBOX = 'true';

export {};
