"""Prints N free loopback TCP ports whose cluster bus port (port + 10000) is free too."""
import random
import socket
import sys


def is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main(count: int) -> None:
    chosen: list[int] = []
    while len(chosen) < count:
        port = random.randint(20000, 39999)
        if port not in chosen and is_free(port) and is_free(port + 10000):
            chosen.append(port)
    print(" ".join(map(str, chosen)))


if __name__ == "__main__":
    main(int(sys.argv[1]))
