/** The notes table, through TypeORM: the only code that touches the plugin's database. */
import type { PageWindow } from "@roa2web/plugin-sdk";
import type { Repository } from "typeorm";
import type { Note } from "./note-entity.js";
import type { NewNote } from "./note-rules.js";

export class NotesStore {
  constructor(private readonly repository: Repository<Note>) {}

  /** One company's notes, newest first. */
  async page(companyId: number, window: PageWindow): Promise<{ items: Note[]; total: number }> {
    const [items, total] = await this.repository.findAndCount({
      where: { companyId },
      order: { createdAt: "DESC", id: "DESC" },
      skip: window.skip,
      take: window.take,
    });
    return { items, total };
  }

  create(note: NewNote, createdBy: string, now = new Date()): Promise<Note> {
    return this.repository.save(this.repository.create({ ...note, createdBy, createdAt: now }));
  }

  find(id: number): Promise<Note | null> {
    return this.repository.findOneBy({ id });
  }

  async remove(id: number): Promise<void> {
    await this.repository.delete({ id });
  }

  count(companyId: number): Promise<number> {
    return this.repository.countBy({ companyId });
  }

  total(): Promise<number> {
    return this.repository.count();
  }
}
