import net from "node:net";
import readline from "node:readline";

/**
 * Talks to a running appliance's console socket (see lab/appliance/control-socket.ts).
 * One connection can carry many requests: the interactive shell keeps it open.
 */
export interface ControlAnswer {
  output: string;
  result: number;
}

export class ControlClient {
  private readonly socket: net.Socket;
  private readonly lines: AsyncIterator<string>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.lines = readline.createInterface({ input: socket })[Symbol.asyncIterator]();
  }

  static connect(socketPath: string, timeoutMs = 5000): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`appliance console ${socketPath} did not answer`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(new ControlClient(socket));
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(
          new Error(`appliance is not running (${(error as NodeJS.ErrnoException).code ?? error.message})`),
        );
      });
    });
  }

  async request(body: Record<string, unknown>): Promise<ControlAnswer> {
    this.socket.write(`${JSON.stringify(body)}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error("appliance closed the console connection");
    return JSON.parse(next.value) as ControlAnswer;
  }

  close(): void {
    this.socket.end();
  }
}

/** One command, one connection: what scripts and tests use. */
export async function runApplianceCommand(socketPath: string, line: string): Promise<ControlAnswer> {
  const client = await ControlClient.connect(socketPath);
  try {
    return await client.request({ line });
  } finally {
    client.close();
  }
}
