/* Minimal QMP client for the client benchmark: plain POSIX sockets, sequential round trips.
 *
 * usage: qmp_client SOCKET MODE COUNT
 *        qmp_client SOCKET replay FILE
 *   MODE: status  -> {"execute":"query-status","id":N}
 *         invalid -> {"execute":"set_link","arguments":{"name":"x","up":1},"id":N}
 *   replay sends each line of FILE (a request the runner sent, byte for byte) and waits for its
 *   reply, skipping events: the same exchange as the runner's, for the run benchmark.
 * It reads the greeting, negotiates exactly as QMPClient does
 * ({"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":1}), then sends COUNT
 * requests with ids 2, 3, ... (byte-identical to the Swift client's), waiting for each reply.
 * Prints: first-request bytes, then "median_us=... mean_us=... total_s=...".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 20];
static size_t have = 0;

static char line[1 << 20];

static int read_line(int fd) {
    for (;;) {
        char *nl = memchr(buf, '\n', have);
        if (nl) {
            size_t used = (size_t)(nl - buf) + 1;
            size_t keep = used < sizeof line ? used : sizeof line - 1;
            memcpy(line, buf, keep);
            line[keep] = 0;
            memmove(buf, buf + used, have - used);
            have -= used;
            return 0;
        }
        if (have == sizeof buf) return -1;
        ssize_t n = recv(fd, buf + have, sizeof buf - have, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        have += (size_t)n;
    }
}

static int send_all(int fd, const char *p, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads replies until one that is not an event. */
static int read_reply(int fd) {
    for (;;) {
        if (read_line(fd)) return -1;
        if (!strstr(line, "\"event\"") || strstr(line, "\"return\"") || strstr(line, "\"error\"")) return 0;
    }
}

static int replay(int fd, const char *path) {
    FILE *input = fopen(path, "r");
    if (!input) {
        perror("replay file");
        return 2;
    }
    static char request[1 << 16];
    size_t count = 0, capacity = 1024;
    double *times = malloc(sizeof(double) * capacity);
    double start = now();
    while (fgets(request, sizeof request, input)) {
        size_t len = strlen(request);
        while (len > 0 && (request[len - 1] == '\n' || request[len - 1] == '\r')) request[--len] = 0;
        if (len == 0) continue;
        double t0 = now();
        if (send_all(fd, request, len) || read_reply(fd)) {
            fprintf(stderr, "round trip %zu failed\n", count);
            return 2;
        }
        if (count == capacity) times = realloc(times, sizeof(double) * (capacity *= 2));
        times[count++] = (now() - t0) * 1e6;
    }
    double total = now() - start;
    double sum = 0;
    for (size_t i = 0; i < count; i++) sum += times[i];
    qsort(times, count, sizeof(double), cmp);
    printf("round_trips=%zu median_us=%.1f mean_us=%.1f total_s=%.3f\n", count, times[count / 2], sum / count, total);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SOCKET status|invalid COUNT | %s SOCKET replay FILE\n", argv[0], argv[0]);
        return 64;
    }
    int replaying = strcmp(argv[2], "replay") == 0;
    int invalid = strcmp(argv[2], "invalid") == 0;
    int count = replaying ? 1 : atoi(argv[3]);
    if (count <= 0) return 64;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        return 2;
    }
    const char *negotiate = "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]},\"id\":1}";
    if (read_line(fd) || send_all(fd, negotiate, strlen(negotiate)) || read_line(fd)) {
        fprintf(stderr, "handshake failed\n");
        return 2;
    }
    if (replaying) return replay(fd, argv[3]);
    double *times = malloc(sizeof(double) * (size_t)count);
    char request[256];
    double start = now();
    for (int i = 0; i < count; i++) {
        int len = invalid
            ? snprintf(request, sizeof request, "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"x\",\"up\":1},\"id\":%d}", i + 2)
            : snprintf(request, sizeof request, "{\"execute\":\"query-status\",\"id\":%d}", i + 2);
        if (i == 0) printf("first_request=%s\n", request);
        double t0 = now();
        if (send_all(fd, request, (size_t)len) || read_line(fd)) {
            fprintf(stderr, "round trip %d failed\n", i);
            return 2;
        }
        times[i] = (now() - t0) * 1e6;
    }
    double total = now() - start;
    double sum = 0;
    for (int i = 0; i < count; i++) sum += times[i];
    qsort(times, (size_t)count, sizeof(double), cmp);
    printf("median_us=%.1f mean_us=%.1f total_s=%.3f\n", times[count / 2], sum / count, total);
    close(fd);
    return 0;
}
