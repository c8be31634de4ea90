"""The central address: parsing, the TLS rule for hosts off this machine, plain-Chinese errors."""

from __future__ import annotations

import socket

import pytest

from desktop.sync.connection import (
    build_url,
    connect,
    connect_parameters,
    is_loopback_host,
    parse_central_url,
    require_tls,
)
from desktop.sync.errors import CentralConfigError, CentralUnreachableError, connection_reason


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("", True),
        ("/var/run/postgresql", True),
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("10.62.1.5", False),
        ("192.168.1.20", False),
        ("central.rst.gansu.gov.cn", False),
        ("localhost.evil.example", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_a_remote_central_gets_sslmode_require_when_none_is_given() -> None:
    address = require_tls(parse_central_url("postgresql://c1@10.62.1.5:5432/dengji"))
    assert address.sslmode == "require"
    assert build_url(address) == "postgresql://c1@10.62.1.5:5432/dengji?sslmode=require"
    assert connect_parameters(address, "pw")["sslmode"] == "require"


@pytest.mark.parametrize("mode", ["require", "verify-ca", "verify-full"])
def test_a_remote_central_keeps_a_secure_sslmode(mode: str) -> None:
    url = f"postgresql://c1@central.example:5432/dengji?sslmode={mode}&sslrootcert=/etc/ca.pem"
    address = require_tls(parse_central_url(url))
    assert address.sslmode == mode
    parameters = connect_parameters(address, None)
    assert parameters["sslmode"] == mode
    assert parameters["sslrootcert"] == "/etc/ca.pem"


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer"])
def test_a_remote_central_without_tls_is_refused_everywhere(mode: str) -> None:
    url = f"postgresql://c1@10.62.1.5/dengji?sslmode={mode}"
    address = parse_central_url(url)
    for build in (require_tls, build_url, lambda a: connect_parameters(a, "pw")):
        with pytest.raises(CentralConfigError, match="必须使用加密连接"):
            build(address)
    with pytest.raises(CentralConfigError, match="必须使用加密连接"):
        connect(address, "pw")  # refused before any packet leaves


def test_a_central_with_one_remote_host_among_several_needs_tls() -> None:
    address = parse_central_url("postgresql://c1@/dengji?host=127.0.0.1,10.0.0.2")
    assert require_tls(address).sslmode == "require"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://c1@127.0.0.1:5432/dengji",
        "postgresql://c1@localhost/dengji?sslmode=disable",
        "postgresql://c1@/dengji?host=/run/postgresql",
    ],
)
def test_a_central_on_this_machine_may_go_without_tls(url: str) -> None:
    address = parse_central_url(url)
    assert require_tls(address) == address


def test_socket_urls_round_trip_and_never_carry_a_password() -> None:
    admin = parse_central_url("postgresql://admin:s3cret@/dengji?host=/tmp/pg&port=5433")
    assert admin.password == "s3cret"
    assert admin.hosts == ("/tmp/pg",)
    counter_url = build_url(admin.with_user("dengji_c1"))
    assert "s3cret" not in counter_url
    again = parse_central_url(counter_url)
    assert (again.user, again.hosts, again.database, again.password) == (
        "dengji_c1",
        ("/tmp/pg",),
        "dengji",
        None,
    )
    assert connect_parameters(again, "pw")["port"] == "5433"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "未配置中心数据库地址"),
        ("mysql://a@b/c", "应以 postgresql:// 开头"),
        ("postgresql://a@b", "缺少数据库名"),
        ("postgresql://a@b/c?sslmode=sometimes", "sslmode「sometimes」无效"),
        ("postgresql://a@b:notaport/c", "格式不正确"),
    ],
)
def test_bad_central_urls_are_explained(url: str, message: str) -> None:
    with pytest.raises(CentralConfigError, match=message):
        parse_central_url(url)


@pytest.mark.parametrize(
    ("detail", "reason"),
    [
        (
            'connection to server at "10.0.0.2", port 5432 failed: Connection refused\n\tIs the'
            " server running on that host and accepting TCP/IP connections?",
            "连接被拒绝",
        ),
        ('FATAL:  password authentication failed for user "c1"', "用户名或密码错误"),
        ("connection to server failed: timeout expired", "连接超时"),
        ('could not translate host name "central.x" to address', "无法解析"),
        ("server closed the connection unexpectedly", "连接意外中断"),
        ("FATAL:  the database system is starting up", "正在启动"),
        ("something nobody expected", "网络或服务器错误（something nobody expected）"),
    ],
)
def test_connection_errors_read_as_plain_chinese(detail: str, reason: str) -> None:
    assert reason in connection_reason(detail)


def test_an_unreachable_central_is_reported_in_plain_chinese() -> None:
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = parse_central_url(f"postgresql://c1@127.0.0.1:{port}/dengji")
    with pytest.raises(CentralUnreachableError) as failure:
        connect(address, "pw", connect_timeout=2)
    assert failure.value.message == (
        f"无法连接中心数据库（127.0.0.1:{port}/dengji）：连接被拒绝（中心数据库未启动，或地址、端口有误）"
    )
