// fdutil: the three socket calls Node 20 has no public API for. The primary uses them to hand an
// accepted connection to a worker thread (dup, then the worker wraps the new fd) and to make one
// listening socket that every worker accepts on through its own duplicate.
#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static napi_value throw_errno(napi_env env, const char *call) {
  char message[128];
  snprintf(message, sizeof message, "%s: %s", call, strerror(errno));
  napi_throw_error(env, NULL, message);
  return NULL;
}

static int int_arg(napi_env env, napi_callback_info info, size_t index, int32_t *out) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (index >= argc || napi_get_value_int32(env, argv[index], out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected an integer argument");
    return 0;
  }
  return 1;
}

// dup(fd) -> new fd, close-on-exec, so the caller's copy can be closed at once.
static napi_value dup_fd(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!int_arg(env, info, 0, &fd)) return NULL;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return throw_errno(env, "dup");
  napi_value result;
  napi_create_int32(env, copy, &result);
  return result;
}

// close(fd): for an fd that no JS handle owns (a handoff nobody claimed).
static napi_value close_fd(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!int_arg(env, info, 0, &fd)) return NULL;
  if (close(fd) != 0) return throw_errno(env, "close");
  return NULL;
}

// listenTcp(host, port, backlog) -> [fd, port]: socket, bind and listen without any JS handle,
// so the primary never accepts on it. host is a numeric IPv4 or IPv6 address.
static napi_value listen_tcp(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char host[64];
  size_t host_len = 0;
  int32_t port = 0, backlog = 511;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok ||
      napi_get_value_int32(env, argv[2], &backlog) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected (host: string, port: number, backlog: number)");
    return NULL;
  }

  struct sockaddr_storage addr;
  socklen_t addr_len;
  memset(&addr, 0, sizeof addr);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    addr_len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    addr_len = sizeof *v6;
  } else {
    napi_throw_type_error(env, NULL, "host must be a numeric IPv4 or IPv6 address");
    return NULL;
  }

  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&addr, addr_len) != 0 || listen(fd, backlog) != 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return throw_errno(env, "listen");
  }

  socklen_t bound_len = sizeof addr;
  getsockname(fd, (struct sockaddr *)&addr, &bound_len);
  int bound_port = addr.ss_family == AF_INET ? ntohs(v4->sin_port) : ntohs(v6->sin6_port);
  napi_value result, js_fd, js_port;
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, fd, &js_fd);
  napi_create_int32(env, bound_port, &js_port);
  napi_set_element(env, result, 0, js_fd);
  napi_set_element(env, result, 1, js_port);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"dup", NULL, dup_fd, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL},
      {"listenTcp", NULL, listen_tcp, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
