"""The files' storage: Django's file-system storage, leaving nothing behind when a write fails."""

import contextlib
import os

from django.core.files.storage import FileSystemStorage


class FileSystemStorageCleanOnError(FileSystemStorage):
    """Django's FileSystemStorage, except that a write that fails half-way (a full disk: ENOSPC; a disk gone
    read-only) removes the partial file it created before the error goes up: Django's own leaves it on disk, where
    no row names it. A file that was already there is never removed (uploads get fresh random names anyway)."""

    def _save(self, name, content):
        full_path = self.path(name)
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(full_path)
            raise
