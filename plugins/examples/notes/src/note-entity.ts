/** The note record and its TypeORM mapping (an EntitySchema: no decorators needed). */
import { EntitySchema } from "typeorm";

export interface Note {
  id: number;
  companyId: number;
  title: string;
  body: string;
  createdBy: string;
  createdAt: Date;
}

export const NoteEntity = new EntitySchema<Note>({
  name: "Note",
  tableName: "notes",
  columns: {
    id: { type: "integer", primary: true, generated: "increment" },
    companyId: { name: "company_id", type: "integer" },
    title: { type: "varchar", length: 200 },
    body: { type: "text" },
    createdBy: { name: "created_by", type: "varchar", length: 100 },
    // Date: "datetime" on SQLite, "timestamp" on PostgreSQL (the column is timestamptz).
    createdAt: { name: "created_at", type: Date },
  },
});
