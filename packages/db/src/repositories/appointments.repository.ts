import { and, asc, eq, gt, gte, lt, or, sql, type SQL } from "drizzle-orm";
import { appointments } from "../schema.ts";
import { conflictOr } from "./pg-errors.ts";
import type { Run } from "./scope.ts";

export type AppointmentRow = typeof appointments.$inferSelect;
export type BusyRow = Pick<AppointmentRow, "id" | "staffId" | "startAt" | "busyEndAt">;
export type NewAppointmentRow = Omit<typeof appointments.$inferInsert, "workspaceId">;
export type AppointmentRowPatch = Partial<Omit<NewAppointmentRow, "id" | "createdAt">>;

export interface AppointmentQuery {
  /** start_at >= from */
  from?: Date;
  /** start_at < to */
  to?: Date;
  agentId?: string;
  status?: AppointmentRow["status"];
  /** Matches the last ten digits of the stored number (at least seven digits on both sides). */
  phoneDigits?: string;
  limit?: number;
  after?: { startAt: Date; id: string };
}

const OVERLAP = "that time is already booked";
const phoneKey = sql`right(regexp_replace(${appointments.customerPhone}, '[^0-9]', '', 'g'), 10)`;

export function appointmentsRepository(run: Run, workspaceId: string) {
  const mine = eq(appointments.workspaceId, workspaceId);
  return {
    async list(q: AppointmentQuery = {}): Promise<AppointmentRow[]> {
      const where: (SQL | undefined)[] = [mine];
      if (q.from) where.push(gte(appointments.startAt, q.from));
      if (q.to) where.push(lt(appointments.startAt, q.to));
      if (q.agentId) where.push(eq(appointments.agentId, q.agentId));
      if (q.status) where.push(eq(appointments.status, q.status));
      if (q.phoneDigits !== undefined) {
        if (q.phoneDigits.length < 7) return [];
        where.push(sql`length(regexp_replace(${appointments.customerPhone}, '[^0-9]', '', 'g')) >= 7`, sql`${phoneKey} = ${q.phoneDigits.slice(-10)}`);
      }
      if (q.after) {
        where.push(or(gt(appointments.startAt, q.after.startAt), and(eq(appointments.startAt, q.after.startAt), gt(appointments.id, q.after.id))));
      }
      return run((tx) => {
        const query = tx
          .select()
          .from(appointments)
          .where(and(...where))
          .orderBy(asc(appointments.startAt), asc(appointments.id));
        return q.limit ? query.limit(q.limit) : query;
      });
    },
    /** Booked rows whose [start, busyEnd) meets [from, to): only what availability needs (it runs per caller turn). */
    listBusy: (from: Date, to: Date): Promise<BusyRow[]> =>
      run((tx) =>
        tx
          .select({ id: appointments.id, staffId: appointments.staffId, startAt: appointments.startAt, busyEndAt: appointments.busyEndAt })
          .from(appointments)
          .where(and(mine, eq(appointments.status, "booked"), lt(appointments.startAt, to), gt(appointments.busyEndAt, from)))
          .orderBy(asc(appointments.startAt)),
      ),
    async get(id: string): Promise<AppointmentRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(appointments)
          .where(and(mine, eq(appointments.id, id))),
      );
      return row;
    },
    /** AppError("conflict") when the interval overlaps a booked one of the same resource. */
    async insert(values: NewAppointmentRow): Promise<AppointmentRow> {
      try {
        const [row] = await run((tx) =>
          tx
            .insert(appointments)
            .values({ ...values, workspaceId })
            .returning(),
        );
        return row!;
      } catch (err) {
        return conflictOr(err, { exclusion: OVERLAP });
      }
    },
    async update(id: string, values: AppointmentRowPatch): Promise<AppointmentRow | undefined> {
      try {
        const [row] = await run((tx) =>
          tx
            .update(appointments)
            .set({ ...values, updatedAt: new Date() })
            .where(and(mine, eq(appointments.id, id)))
            .returning(),
        );
        return row;
      } catch (err) {
        return conflictOr(err, { exclusion: OVERLAP });
      }
    },
  };
}
