"""The kernel client of ldkit's notebook runs: jupyter_client's, without a fixed 0.2 s wait.

nbclient calls the client's ``wait_for_ready`` once per notebook. jupyter_client 8's
method ends by reading IOPub until it has been silent for 0.2 s, to drop messages
the kernel sent before the notebook starts. nbclient reads only the messages that
answer its own requests (by parent message id) and drops the others, so
:class:`ReadyClient` stops at the first 0.02 s of silence; otherwise the method is
jupyter_client's own. ldkit's kernel managers use it through their ``client_class``
(see ``ldkit.runner._client_options``): 0.2 s less per notebook, whatever its kernel.
"""

from __future__ import annotations

import asyncio
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import KernelManager
from jupyter_core.utils import ensure_async

__all__ = ["FLUSH_S", "ReadyClient"]

FLUSH_S = 0.02
"""Seconds of IOPub silence that end the wait for a new kernel (jupyter_client: 0.2)."""


class ReadyClient(AsyncKernelClient):
    """:class:`jupyter_client.asynchronous.AsyncKernelClient` with a short IOPub flush."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        """Wait for the kernel's reply to ``kernel_info``, then drop what IOPub holds.

        Raises
        ------
        RuntimeError
            If the kernel dies or does not answer within ``timeout`` seconds.
        """
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        if not isinstance(self.parent, KernelManager):
            # not started by a kernel manager: wait until it answers heartbeats
            while not await self._async_is_alive():
                if time.time() > deadline:
                    raise RuntimeError(f"Kernel didn't respond to heartbeats in {timeout} "
                                       "seconds and timed out")
                await asyncio.sleep(0.2)
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected? Otherwise ask again
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:  # drop what the kernel sent before the notebook starts
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=FLUSH_S))
            except Empty:
                break
