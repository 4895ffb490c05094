"""An upload handler that stops taking a file past the import's size limit."""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class LimitedUpload(FileUploadHandler):
    """Passes a file's chunks on to Django's own handlers until it grows past `limit`
    bytes; then the rest of it is skipped, not stored, and `too_big` says so."""

    def __init__(self, limit: int, request=None):
        super().__init__(request)
        self.limit = limit
        self.too_big = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
