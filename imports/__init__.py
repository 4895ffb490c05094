"""Importing a spreadsheet of tasks (/tasks/import/): its own app because it keeps state of
its own (an Import: the file, its columns, its report, its progress) and runs on the task
queue, and is one more door into the backlog's services that nothing below needs to know."""
