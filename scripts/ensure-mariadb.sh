#!/usr/bin/env bash
# Makes sure a MariaDB/MySQL server answers on 127.0.0.1:3306 for root with an
# empty password, the way a user would get one: use the running server, or
# install Debian's mariadb-server and start it.
set -euo pipefail

answers() {
  if command -v mariadb >/dev/null 2>&1; then
    mariadb --protocol=tcp -h 127.0.0.1 -P 3306 -uroot -e 'SELECT 1' >/dev/null 2>&1
  elif command -v mysql >/dev/null 2>&1; then
    mysql --protocol=tcp -h 127.0.0.1 -P 3306 -uroot -e 'SELECT 1' >/dev/null 2>&1
  else
    return 1
  fi
}

if answers; then
  echo "MariaDB answers on 127.0.0.1:3306"
  exit 0
fi
if ! command -v mariadbd >/dev/null 2>&1 && ! command -v mysqld >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "MariaDB is not installed and this is not root: install mariadb-server (apt-get install mariadb-server)" >&2
    exit 1
  fi
  echo "installing mariadb-server from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq mariadb-server mariadb-client >/dev/null
fi
echo "starting MariaDB"
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
server=$(command -v mariadbd || command -v mysqld || echo /usr/sbin/mariadbd)
start-stop-daemon --start --oknodo --background --exec "$server" -- --user=mysql --bind-address=127.0.0.1 --port=3306
for _ in $(seq 1 60); do
  if answers; then
    echo "MariaDB answers on 127.0.0.1:3306"
    exit 0
  fi
  # A fresh Debian install gives root unix_socket auth only; tests connect over TCP with an empty password.
  if mariadb -uroot -e 'SELECT 1' >/dev/null 2>&1; then
    mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; FLUSH PRIVILEGES;" || true
  fi
  sleep 1
done
echo "MariaDB did not start on 127.0.0.1:3306" >&2
exit 1
