"""Counts the primes below the number given as input, by trial division: pure cpu work."""


def handle(data):
    limit = int(data.decode().strip())
    count = 0
    for n in range(2, limit):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            count += 1
    return str(count).encode()
