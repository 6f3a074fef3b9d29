import { ClientConnection, RequestTicket } from './client-connection';

/**
 * The open-loop connections of one load thread to one port: at most `capacity` open, reused
 * while idle (keep-alive; in close mode each connection reconnects per request). A request that
 * finds none free waits here, first come first served, and takes the next one that frees.
 */
export class PortConnections {
  private readonly opened: ClientConnection[] = [];
  private readonly idle: ClientConnection[] = [];
  private readonly waiting: RequestTicket[] = [];
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly open: () => ClientConnection,
  ) {}

  /**
   * Sends on a free connection, or queues the request.
   * @returns true when it went out at once, false when it waits for a connection.
   */
  submit(ticket: RequestTicket): boolean {
    if (this.closed) return true;
    const connection = this.idle.pop() ?? this.openOne();
    if (!connection) {
      this.waiting.push(ticket);
      return false;
    }
    this.sendOn(connection, ticket);
    return true;
  }

  /** Closes every connection; requests in flight or waiting are dropped without `done`. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    for (const connection of this.opened) connection.close();
  }

  private openOne(): ClientConnection | undefined {
    if (this.opened.length >= this.capacity) return undefined;
    const connection = this.open();
    this.opened.push(connection);
    return connection;
  }

  private sendOn(connection: ClientConnection, ticket: RequestTicket): void {
    const done = (answered: boolean): void => {
      ticket.done(answered);
      this.release(connection);
    };
    connection.send({ ...ticket, done });
  }

  // The connection's request ended: hand it to the oldest waiter, or park it.
  private release(connection: ClientConnection): void {
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next) this.sendOn(connection, next);
    else this.idle.push(connection);
  }
}
