export type LogLevel = 'info' | 'warn' | 'error';

/** Where the node reports what it does: one line per request and per peer failure. */
export type Log = (level: LogLevel, message: string) => void;

export const consoleLog: Log = (level, message) => {
  const line = `${new Date().toISOString()} ${level.padEnd(5)} ${message}`;
  if (level === 'info') console.log(line);
  else console.error(line);
};

export const silentLog: Log = () => {};
